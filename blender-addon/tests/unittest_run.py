"""Runs unittest cases and ends with the line the tap side reads: 'N passed, N failed' (and, when
asked, ', N skipped'); exits non-zero when anything failed. Shared by the Python test scripts that tap
runs (under python3 and under Blender), so each one ends the same way.

    sys.path.insert(0, <this folder>)
    from unittest_run import run_and_summarise
    run_and_summarise([SomeCase, OtherCase])
"""

import sys
import unittest


def run_and_summarise(cases, verbosity=1, failfast=False, count_skipped=False):
    suite = unittest.TestSuite()
    loader = unittest.TestLoader()
    for case in cases:
        suite.addTests(loader.loadTestsFromTestCase(case))
    result = unittest.TextTestRunner(verbosity=verbosity, stream=sys.stdout, failfast=failfast).run(suite)
    failed = len(result.failures) + len(result.errors)
    skipped = len(result.skipped)
    summary = "%d passed, %d failed" % (result.testsRun - failed - skipped, failed)
    print(summary + (", %d skipped" % skipped if count_skipped else ""), flush=True)
    if failed or not result.wasSuccessful():
        raise SystemExit(1)
