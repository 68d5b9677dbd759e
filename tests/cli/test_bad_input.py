#!/usr/bin/python3
"""Bad input ends with exit 2, nothing on stdout, exactly one line on stderr that names the file,
the JSON pointer and what was expected (DESIGN §4, §7), and no report file.

The scenario corpus is tests/data/bad_scenarios/: one bad scenario per file, and expected.json
mapping each file name to the text (or list of texts) its error line must contain. A text that
starts with ':' must follow the file name directly (`detaudit: FILE: /pointer: ...`)."""
import glob
import os

import cli_common as cc

CORPUS = os.path.join("tests", "data", "bad_scenarios")


def corpus_files():
    return sorted(f for f in glob.glob(cc.source_path(CORPUS, "*.json"))
                  if os.path.basename(f) != "expected.json")


def expected_texts():
    table = cc.load_json(cc.source_path(CORPUS, "expected.json"))
    table.pop("_comment", None)
    return {name: [texts] if isinstance(texts, str) else texts for name, texts in table.items()}


class BadScenarios(cc.CliTestCase):
    def check_error(self, r, rel, texts):
        line = self.assertOneErrorLine(r, texts[1:])
        self.assertTrue(line.startswith(f"detaudit: {rel}"), f"the error names the file first\n{r}")
        if texts[0].startswith(":"):
            self.assertTrue(line.startswith(f"detaudit: {rel}{texts[0]}"),
                            f"expected 'detaudit: {rel}{texts[0]}...'\n{r}")
        else:
            self.assertIn(texts[0], line, f"error message\n{r}")

    def test_corpus_is_complete(self):
        names = {os.path.basename(f) for f in corpus_files()}
        table = expected_texts()
        self.assertEqual(names - set(table), set(), "corpus files without an expected message")
        self.assertEqual(set(table) - names, set(), "expected messages without a corpus file")
        self.assertGreaterEqual(len(names), 46)

    def test_run_rejects_each(self):
        table = expected_texts()
        for path in corpus_files():
            name = os.path.basename(path)
            rel = os.path.relpath(path, cc.SOURCE_DIR)
            with self.subTest(scenario=name):
                json_path, junit_path = self.path(name + ".report.json"), self.path(name + ".xml")
                r = self.detaudit("run", rel, "--json", json_path, "--junit", junit_path)
                self.check_error(r, rel, table[name])
                self.assertFalse(os.path.exists(json_path), "no JSON report for an invalid scenario")
                self.assertFalse(os.path.exists(junit_path), "no JUnit report for an invalid scenario")
        self.assertEqual(os.listdir(self.tmp), [], "nothing at all is left in the report directory")

    def test_validate_rejects_each(self):
        table = expected_texts()
        for path in corpus_files():
            name = os.path.basename(path)
            rel = os.path.relpath(path, cc.SOURCE_DIR)
            with self.subTest(scenario=name):
                self.check_error(self.detaudit("validate", rel), rel, table[name])

    def test_absolute_path_is_named_as_given(self):
        path = cc.source_path(CORPUS, "negative_n.json")
        r = self.detaudit("validate", path)
        self.assertOneErrorLine(r, f"detaudit: {path}: /operations/0/n: expected a positive integer, got -5")

    def test_validate_reports_every_file(self):
        good = os.path.join("scenarios", "quickstart.json")
        bad = os.path.join(CORPUS, "negative_n.json")
        r = self.detaudit("validate", good, bad, expect_rc=cc.EXIT_BAD_INPUT)
        self.assertIn(f"{good}: valid", r.stdout, "the good file is still checked and reported")
        self.assertEqual(len(r.stderr.splitlines()), 1, r)
        self.assertIn(bad, r.stderr)

    def test_pointer_escapes_slash_and_tilde(self):
        # RFC 6901: '/' in a key is written ~1 and '~' is written ~0.
        path = self.scenario("escape.json", {"detaudit": 1, "a/b~c": 1, "operations": [
            {"id": "a", "op": "reduce", "algorithm": "sequential", "n": 4}]})
        r = self.detaudit("validate", path)
        self.assertOneErrorLine(r, f"{path}: /a~1b~0c: unknown key")

    def defaults_scenario(self):
        return self.scenario("defaults.json", {"detaudit": 1, "defaults": {"n": -5}, "operations": [
            {"id": "a", "op": "reduce", "algorithm": "sequential"}]})

    def test_error_in_defaults_is_rejected(self):
        r = self.detaudit("validate", self.defaults_scenario())
        self.assertOneErrorLine(r, "expected a positive integer, got -5")

    def test_error_in_defaults_names_its_pointer(self):
        path = self.defaults_scenario()
        r = self.detaudit("validate", path)
        self.assertOneErrorLine(r, f"detaudit: {path}: /defaults/n: expected a positive integer, got -5")

    def test_missing_file(self):
        missing = self.path("does-not-exist.json")
        for command in ("run", "validate"):
            with self.subTest(command=command):
                r = self.detaudit(command, missing)
                self.assertOneErrorLine(r, [f"detaudit: {missing}: ", "cannot read", "No such file"])

    def test_empty_file(self):
        path = self.path("empty.json")
        open(path, "w").close()
        self.assertOneErrorLine(self.detaudit("validate", path), f"detaudit: {path}:1:1: malformed JSON")

    def test_directory_as_scenario(self):
        r = self.detaudit("validate", self.tmp)
        self.assertOneErrorLine(r, [f"detaudit: {self.tmp}: ", "cannot read", "directory"])

    def test_fifo_and_device_as_scenario_are_refused_at_once(self):
        # A FIFO blocked the read forever; /dev/zero was read until memory ran out.
        fifo = self.path("scenario.fifo")
        os.mkfifo(fifo)
        for command in ("run", "validate"):
            for path, kind in ((fifo, "FIFO"), ("/dev/zero", "character device")):
                with self.subTest(command=command, path=path):
                    r = self.detaudit(command, path, timeout=30)
                    self.assertOneErrorLine(r, [f"detaudit: {path}: ", "cannot read", kind, "not a regular file"])

    def test_scenario_size_limit(self):
        big = self.path("big.json")
        with open(big, "wb") as f:
            f.truncate((64 << 20) + 1)  # sparse: one byte over the documented 64 MiB
        r = self.detaudit("validate", big)
        self.assertOneErrorLine(r, [f"detaudit: {big}: ", "more than the limit of 64 MiB"])

    def test_number_overflow_is_a_scenario_error_with_its_position(self):
        # Exit 4 "internal error" before: nlohmann throws out_of_range for these.
        ops = '"operations": [{"id": "s", "op": "reduce", "algorithm": "blocked", "n": 16}]'
        for name, number in (("digits.json", "9" * 100000), ("exponent.json", "-1e400")):
            with self.subTest(number=number[:10]):
                path = self.path(name)
                with open(path, "w") as f:
                    f.write('{"detaudit": 1,\n "seed": ' + number + ", " + ops + "}")
                r = self.detaudit("run", path, "--json", self.path("r.json"))
                self.assertOneErrorLine(r, [f"detaudit: {path}:2:10: number out of range: {number[:20]}"])
                self.assertFalse(os.path.exists(self.path("r.json")))

    def test_duplicate_key_anywhere_is_refused(self):
        # (text, pointer, the repeated key as written): the error points at its second occurrence.
        cases = [('{"detaudit": 1, "detaudit": 1, "operations": []}', "/detaudit", '"detaudit"'),
                 ('{"detaudit": 1, "vary": {"cpu.threads": [1], "cpu.threads": [2]}, "operations": []}',
                  "/vary/cpu.threads", '"cpu.threads"'),
                 ('{"detaudit": 1, "operations": [{"id": "a"}, {"id": "b", "op": "rng", "id": "c"}]}',
                  "/operations/1/id", '"id"'),
                 ('{"detaudit": 1, "description": "x", "operations": [], "desc\\u0072iption": "y"}',
                  "/description", '"desc\\u0072iption"')]
        for i, (text, pointer, key) in enumerate(cases):
            with self.subTest(text=text):
                path = self.path(f"dup{i}.json")
                with open(path, "w") as f:
                    f.write(text)
                where = f"{path}:1:{text.rindex(key) + 1}: {pointer}: "
                self.assertOneErrorLine(self.detaudit("validate", path), [where, "given twice"])


class UsageErrors(cc.CliTestCase):
    def scenario_path(self):
        return self.scenario("small.json", {"detaudit": 1, "runs": 2, "operations": [
            {"id": "s", "op": "reduce", "algorithm": "blocked", "n": 4096}]})

    def test_usage_errors_are_one_line_exit_2(self):
        s = self.scenario_path()
        cases = [
            (["run", s, "--frobnicate"], "--frobnicate"),
            (["run"], "scenario"),
            (["validate"], "scenarios"),
            (["run", s, "other.json"], "other.json"),
            (["run", s, "--runs", "1.5"], "--runs"),
            (["run", s, "--color", "sometimes"], "--color"),
            (["run", s, "--backend", "bogus"], ["--backend", "bogus"]),
            (["run", s, "--require", "tpu"], ["--require", "tpu"]),
            (["run", s, "--backend", "cuda"], "--backend"),  # no op of this scenario runs on cuda
            ([], "subcommand"),
            (["ops", "--frobnicate"], "--frobnicate"),
            (["env", "extra"], "extra"),
        ]
        for args, texts in cases:
            with self.subTest(args=" ".join(args)):
                json_path = self.path("never.json")
                extra = ["--json", json_path] if args[:1] == ["run"] and len(args) > 1 else []
                self.assertOneErrorLine(self.detaudit(*args, *extra), texts)
                self.assertFalse(os.path.exists(json_path))

    def test_runs_must_be_positive(self):
        s = self.scenario_path()
        for value in ("0", "-1", "abc"):
            with self.subTest(runs=value):
                self.assertOneErrorLine(self.detaudit("run", s, "--runs", value), ["--runs", value])

    def test_runs_message_is_readable(self):
        line = self.assertOneErrorLine(self.detaudit("run", self.scenario_path(), "--runs", "0"), "--runs")
        self.assertNotIn("0.000000", line, "the range CLI::PositiveNumber prints is wrong (0 is not allowed)")
        self.assertLess(len(line), 200, "one readable line")

    def test_unknown_subcommand_is_named(self):
        self.assertOneErrorLine(self.detaudit("frobnicate"), "frobnicate")


if __name__ == "__main__":
    cc.main()
