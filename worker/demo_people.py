"""Who the demo organisation's applicants are, and what each of their credentials is.

Data only: :mod:`worker.demo` seeds it, :mod:`worker.demo_credentials` turns each :class:`Badge`
into the file an applicant would upload, and :mod:`web.demo_issuer` serves the issuer documents
the hosted and signed Open Badges 2.0 ones point at. Together the applicants show every format
the product reads and every answer it gives (genuine, expired, revoked, forged, tampered, for
someone else, addressed to nobody, issuer nobody vouches for, issuer that could not be reached).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from enum import StrEnum

import base58
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519


@dataclass(frozen=True)
class DemoIssuer:
    name: str
    replaces: str | None = None
    """The real-world issuer id the example requirement sets name; the demo substitutes its DID."""

    @property
    def key(self) -> ed25519.Ed25519PrivateKey:
        seed = hashlib.sha256(f"ats-match demo issuer: {self.name}".encode()).digest()
        return ed25519.Ed25519PrivateKey.from_private_bytes(seed)

    @property
    def did(self) -> str:
        raw = self.key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        return "did:key:z" + base58.b58encode(b"\xed\x01" + raw).decode()

    @property
    def method(self) -> str:
        """The verification method id of the key (did:key's one method)."""
        return f"{self.did}#{self.did.removeprefix('did:key:')}"


UNIVERSITY = DemoIssuer("Example University")
AWS = DemoIssuer("Amazon Web Services Training", "https://www.credly.com/org/amazon-web-services")
NMC = DemoIssuer("Nursing and Midwifery Council", "https://www.nmc.org.uk")
RESUS = DemoIssuer("Resuscitation Council UK", "https://www.resus.org.uk")
ISSUERS = (UNIVERSITY, AWS, NMC, RESUS)
"""The issuers the demo organisation trusts through the registry it serves."""
IMPOSTOR = DemoIssuer("Nursing and Midwifery Council (self-declared)")
"""A did:key issuer that calls itself by a trusted body's name; nobody vouches for it."""
OB2_ISSUER = "Example Training Institute"
"""The Open Badges 2.0 issuer this app serves under ``/demo-issuer/ob2/`` (hosted and signed)."""


class Form(StrEnum):
    """How the credential reaches the product."""

    VC_JWT = "vc-jwt"
    DATA_INTEGRITY = "data-integrity"
    """OB 3.0 JSON with an embedded ``eddsa-rdfc-2022`` proof."""
    PNG = "png"
    """An OB 3.0 VC-JWT baked into a PNG (iTXt ``openbadgecredential``)."""
    SVG = "svg"
    """An OB 2.0 hosted assertion baked into an SVG (``<openbadges:assertion verify=…>``)."""
    OB2_HOSTED = "ob2-hosted"
    OB2_SIGNED = "ob2-signed"
    CLR = "clr"
    """A CLR 2.0 VC-JWT transcript carrying this badge and one more as nested VC-JWTs."""


class Defect(StrEnum):
    """What is wrong with the credential, if anything (what the verifier should find)."""

    NONE = "none"
    TAMPERED = "tampered"
    """A claim was changed after signing."""
    FORGED_KEY = "forged-key"
    """Signed with a key that is not the issuer's."""
    REVOKED = "revoked"
    """Listed in the issuer's status list (VC) or revocation list (OB 2.0)."""
    UNADDRESSED = "unaddressed"
    """The subject names nobody."""
    ISSUER_DOWN = "issuer-down"
    """The issuer's badge class answers 503: could not check yet."""


@dataclass(frozen=True)
class Badge:
    issuer: DemoIssuer
    name: str
    description: str
    skills: tuple[str, ...] = ()
    achievement_id: str | None = None
    months_ago: int = 6
    expired: bool = False
    holder: str | None = None
    """Issue to another e-mail than the applicant's (the recipient check must fail)."""
    form: Form = Form.VC_JWT
    defect: Defect = Defect.NONE
    evidence: str | None = None
    """The name of the OB evidence attached (a project, a portfolio), if any."""


@dataclass(frozen=True)
class Applicant:
    name: str
    email: str
    badges: tuple[Badge, ...] = field(default_factory=tuple)


SQL = "598de5b0-5b58-4ea7-8058-a4bc4d18c742"
ANALYSE_DATA = "2b92a5b2-6758-4ee3-9fb4-b6387a55cc8f"
VISUALISE = "1973c966-f236-40c9-b2d4-5d71a89019be"
REPORT = "c544a9f3-5945-4b54-afed-de0697852817"
PYTHON = "ccd0a1d9-afda-43d9-b901-96344886e14d"
STATISTICS = "06670261-ea6b-4b52-a915-c7d4ff837f74"
PRESENTATION = "234aeb8d-56c3-4531-9193-1c5e6a8d16cb"
CLOUD = "11430d93-c835-48ed-8e70-285fa69c9ae6"
CLOUD_2 = "6195c5f7-a4fb-425d-a3dd-c4467c4471a3"
CLOUD_3 = "8efa6a7a-6556-4cb8-908d-59d3b5c58d2f"
ANSIBLE = "f0de4973-0a70-4644-8fd4-3a97080476f4"
CICD = "6f8a40d6-f9ce-43ec-a72f-d4213a53f3ed"
CLOUD_SECURITY = "1c2978b8-bb0d-4249-9c23-877571a4dffa"
INFECTION = "6d13053b-ee35-492c-8976-8178420df398"
IV_THERAPY = "d09584de-57ff-450a-8e06-0d0f614f11f8"
NURSING_CARE = "f98e06f5-a09a-4356-b6a8-d55a7d3c5356"
MONITOR_PATIENTS = "e99ddf41-6085-4b91-9de8-8bf251af9ced"
NMC_REGISTER = "urn:nmc:register:registered-nurse-adult"
BLS = "urn:resus-uk:course:bls"


def _analyst(name: str, email: str, *badges: Badge) -> Applicant:
    return Applicant(name, email, badges)


DATA_ANALYSTS = (
    _analyst(
        "Amira Haddad",
        "amira@demo.example",
        Badge(
            UNIVERSITY,
            "Data Analytics Professional Certificate",
            "Cleans, analyses and visualises data with SQL and spreadsheets.",
            (SQL, ANALYSE_DATA, VISUALISE, REPORT),
        ),
        Badge(UNIVERSITY, "Python for Data Analysis", "pandas, NumPy and notebooks.", (PYTHON,)),
        Badge(
            UNIVERSITY,
            "Applied Statistics",
            "Identify statistical patterns in data and test hypotheses.",
            (STATISTICS,),
        ),
    ),
    _analyst(
        "Ben Okafor",
        "ben@demo.example",
        Badge(UNIVERSITY, "SQL Fundamentals", "Queries, joins and aggregation in SQL.", (SQL,)),
        Badge(
            UNIVERSITY,
            "Data Analytics Professional Certificate",
            "Issued to somebody else: the recipient check fails.",
            (ANALYSE_DATA,),
            holder="someone@else.example",
        ),
    ),
    _analyst(
        "Chen Li",
        "chen@demo.example",
        Badge(
            UNIVERSITY,
            "SQL for Analysts",
            "Expired last year.",
            (SQL,),
            months_ago=30,
            expired=True,
        ),
        Badge(UNIVERSITY, "R programming", "Statistical computing with R."),
    ),
    _analyst(
        "Dana Kowalski",
        "dana@demo.example",
        Badge(
            UNIVERSITY,
            "Presentation Skills",
            "Use presentation software to report analysis results.",
            (PRESENTATION, REPORT),
        ),
    ),
    _analyst(
        "Idris Bello",
        "idris@demo.example",
        Badge(
            UNIVERSITY,
            "Data Analytics Professional Certificate",
            "Signed with an embedded Data Integrity proof (eddsa-rdfc-2022).",
            (SQL, ANALYSE_DATA, VISUALISE, REPORT),
            form=Form.DATA_INTEGRITY,
        ),
        Badge(
            UNIVERSITY,
            "Statistics with Python",
            "A baked PNG badge.",
            (PYTHON, STATISTICS),
            form=Form.PNG,
        ),
    ),
    _analyst(
        "Julia Santos",
        "julia@demo.example",
        Badge(
            UNIVERSITY,
            "Data Analytics Professional Certificate",
            "Revoked by the issuer through its status list.",
            (SQL, ANALYSE_DATA, VISUALISE, REPORT),
            defect=Defect.REVOKED,
        ),
        Badge(UNIVERSITY, "Python for Data Analysis", "pandas, NumPy and notebooks.", (PYTHON,)),
    ),
    _analyst(
        "Kenji Watanabe",
        "kenji@demo.example",
        Badge(
            UNIVERSITY,
            "Data Analytics Professional Certificate",
            "The skills were edited after signing: the signature no longer matches.",
            (SQL, ANALYSE_DATA, VISUALISE, REPORT),
            defect=Defect.TAMPERED,
        ),
    ),
    _analyst(
        "Leila Karimi",
        "leila@demo.example",
        Badge(
            UNIVERSITY,
            "Data Analysis Transcript: SQL",
            "Part of a CLR 2.0 transcript from the university.",
            (SQL, ANALYSE_DATA),
            form=Form.CLR,
        ),
        Badge(
            UNIVERSITY,
            "Data Visualisation",
            "Visualises and reports data.",
            (VISUALISE, REPORT),
            form=Form.CLR,
        ),
    ),
    _analyst(
        "Marco Rossi",
        "marco@demo.example",
        Badge(
            UNIVERSITY,
            "Data Analytics Professional Certificate",
            "Addressed to nobody: any holder could present it.",
            (SQL, ANALYSE_DATA, VISUALISE, REPORT),
            defect=Defect.UNADDRESSED,
        ),
    ),
    _analyst(
        "Nadia Petrova",
        "nadia@demo.example",
        Badge(
            UNIVERSITY,
            "Data Analytics Professional Certificate",
            "Signed with somebody else's key while claiming the university as issuer.",
            (SQL, ANALYSE_DATA, VISUALISE, REPORT),
            form=Form.DATA_INTEGRITY,
            defect=Defect.FORGED_KEY,
        ),
    ),
)

CLOUD_ENGINEERS = (
    Applicant(
        "Erik Svensson",
        "erik@demo.example",
        (
            Badge(
                AWS,
                "AWS Certified Solutions Architect - Associate",
                "Designs and deploys cloud architectures on AWS.",
                (CLOUD, CLOUD_2, CLOUD_3),
            ),
            Badge(
                UNIVERSITY,
                "DevOps with Ansible",
                "Configuration management and CI/CD.",
                (ANSIBLE, CICD),
            ),
            Badge(
                UNIVERSITY,
                "Cloud Security and Compliance",
                "Security controls in the cloud.",
                (CLOUD_SECURITY,),
            ),
        ),
    ),
    Applicant(
        "Fatima Zahra",
        "fatima@demo.example",
        (
            Badge(
                AWS,
                "AWS Certified Cloud Practitioner",
                "Issued five years ago.",
                (CLOUD_2,),
                months_ago=60,
            ),
            Badge(
                UNIVERSITY, "Python scripting", "Automating tasks with Python scripts.", (PYTHON,)
            ),
        ),
    ),
    Applicant(
        "Oscar Lindqvist",
        "oscar@demo.example",
        (
            Badge(
                AWS,
                "AWS Certified Solutions Architect - Associate",
                "A Data Integrity credential (eddsa-rdfc-2022).",
                (CLOUD, CLOUD_2, CLOUD_3),
                form=Form.DATA_INTEGRITY,
                months_ago=4,
            ),
            Badge(
                UNIVERSITY,
                "Infrastructure as Code",
                "An Open Badges 2.0 assertion hosted by its issuer.",
                (ANSIBLE, CICD),
                form=Form.OB2_HOSTED,
            ),
        ),
    ),
    Applicant(
        "Priya Raman",
        "priya@demo.example",
        (
            Badge(
                AWS,
                "AWS Certified Solutions Architect - Associate",
                "A baked PNG badge.",
                (CLOUD, CLOUD_2, CLOUD_3),
                form=Form.PNG,
            ),
            Badge(
                UNIVERSITY,
                "Continuous Delivery",
                "An Open Badges 2.0 assertion signed by its issuer (RS256).",
                (CICD,),
                form=Form.OB2_SIGNED,
            ),
        ),
    ),
    Applicant(
        "Quentin Moreau",
        "quentin@demo.example",
        (
            Badge(
                UNIVERSITY,
                "Cloud Operations",
                "An Open Badges 2.0 badge baked into an SVG, hosted by its issuer.",
                (CLOUD_2, ANSIBLE),
                form=Form.SVG,
            ),
            Badge(
                UNIVERSITY,
                "Cloud Security and Compliance",
                "Revoked by the issuer's Open Badges 2.0 revocation list.",
                (CLOUD_SECURITY,),
                form=Form.OB2_SIGNED,
                defect=Defect.REVOKED,
            ),
        ),
    ),
    Applicant(
        "Rosa Jimenez",
        "rosa@demo.example",
        (
            Badge(
                AWS,
                "AWS Certified Solutions Architect - Associate",
                "Designs and deploys cloud architectures on AWS.",
                (CLOUD, CLOUD_2, CLOUD_3),
                months_ago=14,
            ),
            Badge(
                UNIVERSITY,
                "Kubernetes Administration",
                "Its issuer's badge class could not be fetched (503): checked again later.",
                (CLOUD_2,),
                form=Form.OB2_HOSTED,
                defect=Defect.ISSUER_DOWN,
            ),
        ),
    ),
    Applicant(
        "Samuel Adeyemi",
        "samuel@demo.example",
        (
            Badge(
                AWS,
                "AWS Certified Cloud Practitioner",
                "Not valid any more.",
                (CLOUD_2,),
                months_ago=40,
                expired=True,
            ),
            Badge(
                UNIVERSITY,
                "DevOps with Ansible",
                "Configuration management and CI/CD.",
                (ANSIBLE, CICD),
                form=Form.PNG,
            ),
        ),
    ),
    Applicant(
        "Tara Nguyen",
        "tara@demo.example",
        (
            Badge(
                UNIVERSITY,
                "Cloud Computing Transcript: Architecture",
                "Part of a CLR 2.0 transcript.",
                (CLOUD, CLOUD_3),
                form=Form.CLR,
            ),
            Badge(
                UNIVERSITY,
                "Cloud Computing Transcript: Security",
                "Part of a CLR 2.0 transcript.",
                (CLOUD_SECURITY,),
                form=Form.CLR,
            ),
        ),
    ),
    Applicant(
        "Umar Farouk",
        "umar@demo.example",
        (
            Badge(
                AWS,
                "AWS Certified Solutions Architect - Associate",
                "Issued to another e-mail address.",
                (CLOUD, CLOUD_2, CLOUD_3),
                holder="umar.farouk@elsewhere.example",
            ),
        ),
    ),
    Applicant("Vera Novak", "vera@demo.example", ()),
)

NURSES = (
    Applicant(
        "Grace Mensah",
        "grace@demo.example",
        (
            Badge(
                NMC,
                "NMC register: Registered Nurse (Adult)",
                "Registered with the NMC.",
                achievement_id=NMC_REGISTER,
                months_ago=20,
            ),
            Badge(
                RESUS,
                "Basic Life Support",
                "Adult basic life support and AED.",
                achievement_id=BLS,
                months_ago=3,
            ),
            Badge(
                UNIVERSITY,
                "Infection Prevention and Control",
                "Infection control practice.",
                (INFECTION,),
            ),
            Badge(
                UNIVERSITY,
                "Intravenous Therapy",
                "Intravenous infusion, cannulation.",
                (IV_THERAPY,),
            ),
            Badge(
                UNIVERSITY,
                "Adult Nursing Care",
                "Implement nursing care; monitor patients.",
                (NURSING_CARE, MONITOR_PATIENTS),
            ),
        ),
    ),
    Applicant(
        "Hannah Brooks",
        "hannah@demo.example",
        (
            Badge(
                NMC,
                "NMC register: Registered Nurse (Adult)",
                "The registration lapsed.",
                achievement_id=NMC_REGISTER,
                months_ago=40,
                expired=True,
            ),
            Badge(
                RESUS,
                "Basic Life Support",
                "Adult basic life support and AED.",
                achievement_id=BLS,
                months_ago=2,
            ),
        ),
    ),
    Applicant(
        "Ines Duarte",
        "ines@demo.example",
        (
            Badge(
                NMC,
                "NMC register: Registered Nurse (Adult)",
                "Registered with the NMC (Data Integrity proof).",
                achievement_id=NMC_REGISTER,
                months_ago=10,
                form=Form.DATA_INTEGRITY,
            ),
            Badge(
                RESUS,
                "Basic Life Support",
                "A baked PNG badge.",
                achievement_id=BLS,
                months_ago=5,
                form=Form.PNG,
            ),
            Badge(
                UNIVERSITY,
                "Adult Nursing Care",
                "Implement nursing care; monitor patients.",
                (NURSING_CARE, MONITOR_PATIENTS),
                form=Form.DATA_INTEGRITY,
            ),
        ),
    ),
    Applicant(
        "Jonas Weber",
        "jonas@demo.example",
        (
            Badge(
                IMPOSTOR,
                "NMC register: Registered Nurse (Adult)",
                "Signed by a did:key issuer that calls itself the NMC; no registry vouches for it.",
                achievement_id=NMC_REGISTER,
                months_ago=8,
            ),
            Badge(
                RESUS,
                "Basic Life Support",
                "Adult basic life support and AED.",
                achievement_id=BLS,
                months_ago=6,
            ),
        ),
    ),
    Applicant(
        "Katarzyna Nowak",
        "katarzyna@demo.example",
        (
            Badge(
                NMC,
                "NMC register: Registered Nurse (Adult)",
                "Registered with the NMC.",
                achievement_id=NMC_REGISTER,
                months_ago=30,
            ),
            Badge(
                RESUS,
                "Basic Life Support",
                "Suspended or revoked through the issuer's status list.",
                achievement_id=BLS,
                months_ago=4,
                defect=Defect.REVOKED,
            ),
            Badge(
                UNIVERSITY,
                "Infection Prevention and Control",
                "An Open Badges 2.0 hosted assertion.",
                (INFECTION,),
                form=Form.OB2_HOSTED,
            ),
        ),
    ),
    Applicant(
        "Liam O'Connor",
        "liam@demo.example",
        (
            Badge(
                NMC,
                "NMC register: Registered Nurse (Adult)",
                "The registration's dates were edited after signing.",
                achievement_id=NMC_REGISTER,
                months_ago=50,
                defect=Defect.TAMPERED,
            ),
            Badge(
                RESUS,
                "Basic Life Support",
                "Adult basic life support and AED.",
                achievement_id=BLS,
                months_ago=1,
            ),
        ),
    ),
    Applicant(
        "Maya Cohen",
        "maya@demo.example",
        (
            Badge(
                NMC,
                "NMC register: Registered Nurse (Adult)",
                "Registered with the NMC.",
                achievement_id=NMC_REGISTER,
                months_ago=15,
            ),
            Badge(
                RESUS,
                "Basic Life Support",
                "Addressed to nobody.",
                achievement_id=BLS,
                months_ago=2,
                defect=Defect.UNADDRESSED,
            ),
            Badge(
                UNIVERSITY,
                "Intravenous Therapy",
                "An Open Badges 2.0 badge baked into an SVG.",
                (IV_THERAPY,),
                form=Form.SVG,
            ),
        ),
    ),
    Applicant(
        "Noah Fischer",
        "noah@demo.example",
        (
            Badge(
                NMC,
                "NMC register: Registered Nurse (Adult)",
                "Registered with the NMC.",
                achievement_id=NMC_REGISTER,
                months_ago=26,
            ),
            Badge(
                UNIVERSITY,
                "Adult Nursing Care",
                "Part of a CLR 2.0 transcript.",
                (NURSING_CARE, MONITOR_PATIENTS),
                form=Form.CLR,
            ),
            Badge(
                UNIVERSITY,
                "Infection Prevention and Control",
                "Part of a CLR 2.0 transcript.",
                (INFECTION,),
                form=Form.CLR,
            ),
        ),
    ),
)

CLOUD_PRACTITIONER = Badge(
    AWS, "AWS Certified Cloud Practitioner", "Cloud concepts, security and billing.", (CLOUD,)
)
CLOUD_TRACK = (
    Applicant(
        "Ravi Menon",
        "ravi@demo.example",
        (
            replace(CLOUD_PRACTITIONER, months_ago=40),
            Badge(
                AWS,
                "AWS Certified Solutions Architect - Associate",
                "Designs resilient architectures on AWS.",
                (CLOUD, "4da4587a-fd0b-4ca2-886c-c42a1562d432"),
                months_ago=24,
            ),
            Badge(
                AWS,
                "AWS Certified Solutions Architect - Professional",
                "Designs and deploys complex systems on AWS.",
                (CLOUD, CLOUD_2, "5ef0c719-5bcb-49f8-b8eb-824388225333"),
                months_ago=6,
                evidence="Multi-region deployment project",
            ),
        ),
    ),
    Applicant(
        "Carl Becker",
        "carl@demo.example",
        (
            CLOUD_PRACTITIONER,
            *(
                Badge(UNIVERSITY, name, "A short online course.")
                for name in (
                    "Excel Power User",
                    "Agile Foundations",
                    "Photoshop Basics",
                    "Public Speaking",
                    "Time Management",
                )
            ),
        ),
    ),
)

DEMO_JOBS: dict[str, tuple[str, str, tuple[Applicant, ...]]] = {
    "demo-data-analyst": ("Data Analyst", "data_analyst.yaml", DATA_ANALYSTS),
    "demo-cloud-engineer": ("Cloud Engineer", "cloud_engineer.yaml", CLOUD_ENGINEERS),
    "demo-cloud-track": (
        "Cloud Engineer (progressive track)",
        "cloud_progressive.yaml",
        CLOUD_TRACK,
    ),
    "demo-registered-nurse": ("Registered Nurse", "registered_nurse.yaml", NURSES),
}


def all_badges() -> list[tuple[Applicant, Badge]]:
    """Every (applicant, badge) pair of the demo, in seeding order."""
    return [
        (applicant, badge)
        for _, _, applicants in DEMO_JOBS.values()
        for applicant in applicants
        for badge in applicant.badges
    ]
