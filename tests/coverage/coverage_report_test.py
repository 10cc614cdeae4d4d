#!/usr/bin/env python3
"""tools/coverage/coverage_report.py on hand-made gcovr JSON summaries.

Two summaries of one made-up file: which lines each reaches, the stretches
neither reaches with their enclosing function, and which stretches are limits
of the model rather than behaviour.
"""
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools" / "coverage"))
import coverage_report as cr  # noqa: E402

SOURCE = {10: "int f() {", 11: "  a();", 12: "  b();", 13: "  c();", 14: "// comment",
          15: "  return SysResult::unsupported(\"x\");", 20: "int g() {", 21: "  d();",
          30: "const char* e_name(E e) {", 31: "  return \"?\";"}


def summary(counts, functions):
    lines = [{"line_number": n, "count": counts.get(n, 0), "branches": []} for n in (10, 11, 12, 13, 15, 20, 21, 30, 31)]
    lines.append({"line_number": 14, "count": 0, "gcovr/noncode": True, "branches": []})
    return {"files": [{"file": "model/made_up.cpp", "lines": lines,
                       "functions": [{"name": n, "lineno": l, "execution_count": c} for n, l, c in functions]}]}


CORPUS = summary({10: 1, 11: 1}, [("f()", 10, 1), ("g()", 20, 0), ("e_name(E)", 30, 1)])
GENERATED = summary({10: 2, 12: 2, 30: 1}, [("f()", 10, 2), ("g()", 20, 0), ("e_name(E)", 30, 0)])


class CoverageReportTest(unittest.TestCase):
    def setUp(self):
        [self.f] = cr.summarise(CORPUS, GENERATED)

    def test_lines_each_summary_reaches(self):
        self.assertEqual(self.f.code, {10, 11, 12, 13, 15, 20, 21, 30, 31})
        self.assertEqual(self.f.corpus, {10, 11})
        self.assertEqual(self.f.generated, {10, 12, 30})
        self.assertEqual(self.f.unreached, {13, 15, 20, 21, 31})
        self.assertEqual(self.f.counts, {"lines": 9, "corpus": 2, "generated": 3, "either": 4})

    def test_function_entries_are_summed(self):
        self.assertEqual(self.f.functions, {(10, "f()"): 3, (20, "g()"): 0, (30, "e_name(E)"): 1})

    def test_stretches_are_runs_of_consecutive_lines(self):
        self.assertEqual(cr.stretches({13, 15, 20, 21, 31}), [(13, 13), (15, 15), (20, 21), (31, 31)])
        self.assertEqual(cr.stretches(set()), [])

    def test_enclosing_function_is_the_last_to_start_before(self):
        self.assertEqual(cr.enclosing(self.f.functions, 13), (10, "f()"))
        self.assertEqual(cr.enclosing(self.f.functions, 21), (20, "g()"))
        self.assertIsNone(cr.enclosing(self.f.functions, 9))

    def test_behaviour_and_limits_in_entered_functions_only(self):
        behaviour, limits = cr.unreached_stretches(self.f, lambda path, n: SOURCE.get(n, ""))
        # 13 is behaviour; 15 is a limit; 20-21 lie in g(), never entered (listed as a function);
        # 31 lies in a name table.
        self.assertEqual(behaviour, [("13", "f()", "c();")])
        self.assertEqual(limits, [("15", "f()", 'return SysResult::unsupported("x");')])

    def test_support_files_get_their_own_table(self):
        text = cr.render(cr.summarise(CORPUS, GENERATED), {"corpus": "c", "generated": "g"})
        kernel = text.split("## Not kernel behaviour")[0]
        self.assertIn("| `model/made_up.cpp` | 9 | 22 % | 33 % | 44 % | 5 |", kernel)
        self.assertIn("- `model/made_up.cpp:20` g()", text)
        support = {"files": [dict(CORPUS["files"][0], file="model/kernel_encode.cpp")]}
        text = cr.render(cr.summarise(support, {"files": []}), {"corpus": "c", "generated": "g"})
        self.assertNotIn("kernel_encode", text.split("## Not kernel behaviour")[0])
        self.assertIn("| `model/kernel_encode.cpp` | 9 |", text)


TOOL = Path(__file__).resolve().parents[2] / "tools" / "coverage" / "model_coverage.py"


class ModelCoverageToolTest(unittest.TestCase):
    def test_generated_programs_cover_both_releases_with_and_without_forced_unmounts(self):
        sys.path.insert(0, str(TOOL.parent))
        import model_coverage  # noqa: E402
        configs = model_coverage.generator_configs()
        self.assertEqual([r for r, _ in configs], ["13.2", "13.2", "15.1", "15.1"])
        forced = ["--with-forced-unmounts" in flags for _, flags in configs]
        self.assertEqual(forced, [True, False, True, False])
        self.assertTrue(all("--real-host" in flags and "--with-unmount" in flags for _, flags in configs))

    def test_a_build_without_gcov_notes_is_exit_2(self):
        with tempfile.TemporaryDirectory() as d:
            r = subprocess.run([sys.executable, str(TOOL), "--build-dir", d, "--out", d + "/out"],
                               capture_output=True, text=True)
        self.assertEqual(r.returncode, 2)
        self.assertIn("not a coverage build", r.stderr)


if __name__ == "__main__":
    unittest.main()
