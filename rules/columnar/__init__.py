"""The columnar evaluator: a requirement set compiled into numpy operations over an evidence
table of many candidates (see docs/rules.md, "Columnar evaluation").

* :mod:`rules.columnar.table` - the evidence table and its builder from ``CandidateEvidence``;
* :mod:`rules.columnar.leaves` - each leaf condition's best evidence code per candidate;
* :mod:`rules.columnar.groups` - any_of / all_of / at_least as reductions over the parts;
* :mod:`rules.columnar.totals` - points, totals, flags and ranking keys;
* :mod:`rules.columnar.exact` - sums and rounding bit-identical to ``math.fsum`` / ``round``;
* :mod:`rules.columnar.engine` - the plan that ties them together.
"""
