// Trace files (docs/trace.md): the streaming reader's errors and the alignment of two traces.
#include <catch2/catch.hpp>
#include <unistd.h>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>
#include "common/error.hpp"
#include "io/npy_writer.hpp"
#include "trace/trace_align.hpp"
#include "trace/trace_reader.hpp"

using namespace detaudit;
using namespace detaudit::trace;
namespace fs = std::filesystem;

namespace {

fs::path scratch() {
    const fs::path p = fs::temp_directory_path() / ("detaudit_trace_unit_" + std::to_string(::getpid()));
    fs::create_directories(p);
    return p;
}

fs::path write(const std::string& name, const std::string& text) {
    const fs::path p = scratch() / name;
    std::ofstream(p, std::ios::binary) << text;
    return p;
}

std::string digest_of(int i) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%032x", i);
    return buf;
}

std::string header() { return "{\"detaudit_trace\": 1, \"digest\": \"xxh3-128\"}\n"; }

std::string rec(int seq, const std::string& name, int digest, std::vector<int> inputs = {}) {
    std::string s = "{\"seq\":" + std::to_string(seq) + ",\"name\":\"" + name +
                    "\",\"dtype\":\"f32\",\"shape\":[2],\"digest\":\"" + digest_of(digest) + "\"";
    if (!inputs.empty()) {
        s += ",\"inputs\":[";
        for (std::size_t i = 0; i < inputs.size(); ++i) s += (i ? ",\"" : "\"") + digest_of(inputs[i]) + "\"";
        s += "]";
    }
    return s + "}\n";
}

std::string read_error(const std::string& text) {
    const fs::path p = write("bad.jsonl", text);
    try {
        TraceReader r(p.string());
        TraceRecord t;
        while (r.next(t)) {
        }
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::scenario);
        return e.what();
    }
    return "";
}

} // namespace

TEST_CASE("trace reader: a good trace streams its records and checks the footer") {
    const fs::path p = write("good.jsonl", header() + rec(0, "a", 1) + rec(1, "step 1/b", 2, {1}) +
                                               "{\"seq\": 2, \"name\": \"c\\u00e9\\n\", \"dtype\": \"bf16\", \"shape\": [], "
                                               "\"digest\": \"" + digest_of(3) + "\", \"extra\": {\"x\": [1, 2.5e3, null]}}\n" +
                                               "{\"end\": 3}\n");
    TraceReader r(p.string());
    CHECK(r.version() == 1);
    TraceRecord t;
    std::vector<std::string> names;
    while (r.next(t)) names.push_back(t.name);
    CHECK(names == std::vector<std::string>{"a", "step 1/b", "c\xc3\xa9\n"});
    CHECK(t.dtype == "bf16");
    CHECK(t.shape.empty());
}

TEST_CASE("trace reader: each error names the file and the line") {
    CHECK_THAT(read_error(header() + rec(0, "a", 1) + rec(1, "b", 2).substr(0, 30)),
               Catch::Contains("bad.jsonl: line 3: truncated"));
    CHECK_THAT(read_error(header() + rec(0, "a", 1) + "{\"seq\": 1, \"name\": \"b\",}\n"),
               Catch::Contains("line 3: malformed"));
    CHECK_THAT(read_error(header() + "{\"seq\": 0, \"name\": \"b\", \"dtype\": \"f32\", \"shape\": [1]}\n"),
               Catch::Contains("line 2: malformed: record without \"digest\""));
    CHECK_THAT(read_error(header() + rec(0, "a", 1) + rec(0, "b", 2)), Catch::Contains("line 3: duplicate seq 0"));
    CHECK_THAT(read_error(header() + rec(0, "a", 1) + rec(5, "b", 2)), Catch::Contains("line 3: seq out of order"));
    CHECK_THAT(read_error("{\"detaudit_trace\": 2}\n" + rec(0, "a", 1)), Catch::Contains("unknown trace version 2"));
    CHECK_THAT(read_error("hello\n"), Catch::Contains("not a detaudit trace"));
    CHECK_THAT(read_error(""), Catch::Contains("empty"));
    CHECK_THAT(read_error(header() + rec(0, "a", 1) + "{\"end\": 2}\n"), Catch::Contains("footer says 2 records"));
    CHECK_THAT(read_error(header() + "{\"seq\":0,\"name\":\"a\",\"dtype\":\"f32\",\"shape\":[1],\"digest\":\"XYZ\"}\n"),
               Catch::Contains("32 lowercase hex"));
    CHECK_THAT(read_error(header() + "{\"seq\":0,\"name\":\"a\",\"dtype\":\"f99\",\"shape\":[1],\"digest\":\"" +
                          digest_of(1) + "\"}\n"),
               Catch::Contains("unknown dtype"));
    CHECK_THAT(read_error(header() + "{\"seq\":0,\"name\":\"a\",\"dtype\":\"f32\",\"shape\":[1],\"digest\":\"" +
                          digest_of(1) + "\",\"values\":\"../x.npy\"}\n"),
               Catch::Contains("must not leave"));
    try {
        TraceReader r((scratch() / "nope.jsonl").string());
        FAIL("no error for a missing trace");
    } catch (const Error& e) {
        CHECK_THAT(e.what(), Catch::Contains("nope.jsonl: missing"));
    }
}

TEST_CASE("trace alignment") {
    const std::string base = header() + rec(0, "x", 1) + rec(1, "y", 2, {1}) + rec(2, "z", 3, {2}) + rec(3, "w", 4, {3});
    SECTION("equal traces") {
        const auto d = align_traces(write("a.jsonl", base).string(), write("b.jsonl", base).string());
        CHECK(d.identical());
        CHECK(d.records_a == 4);
        CHECK(describe_divergence(d) == "traces identical (4 records)");
    }
    SECTION("one record differs while its inputs matched: it is the root") {
        const std::string b = header() + rec(0, "x", 1) + rec(1, "y", 9, {1}) + rec(2, "z", 8, {9}) + rec(3, "w", 7, {8});
        const auto d = align_traces(write("a.jsonl", base).string(), write("b.jsonl", b).string());
        REQUIRE(d.first);
        CHECK(d.first->seq == 1);
        CHECK(d.first->inputs == InputsMatch::match);
        REQUIRE(d.root);
        CHECK(d.root->seq == 1);
        CHECK(d.differing == 3);
        CHECK(describe_divergence(d) == "first differs at #1 y (inputs identical: this is where it starts); 2 later records differ");
    }
    SECTION("the first differing record's inputs differ: propagated, the root comes later") {
        // y's inputs differ (a value not traced changed), z then differs with identical inputs.
        const std::string a = header() + rec(0, "x", 1) + rec(1, "y", 2, {50}) + rec(2, "z", 3, {60}) + rec(3, "w", 4, {3});
        const std::string b = header() + rec(0, "x", 1) + rec(1, "y", 5, {51}) + rec(2, "z", 6, {60}) + rec(3, "w", 4, {6});
        const auto d = align_traces(write("a.jsonl", a).string(), write("b.jsonl", b).string());
        REQUIRE(d.first);
        CHECK(d.first->inputs == InputsMatch::differ);
        REQUIRE(d.root);
        CHECK(d.root->seq == 2);
        CHECK(d.differing == 2);
        CHECK_THAT(describe_divergence(d), Catch::StartsWith("first differs at #1 y (inputs differ: propagated; the "
                                                             "first record whose inputs matched is #2 z)"));
    }
    SECTION("different lengths: the shorter run ended") {
        const auto d = align_traces(write("a.jsonl", base).string(),
                                    write("b.jsonl", header() + rec(0, "x", 1) + rec(1, "y", 2, {1})).string());
        REQUIRE(d.split);
        CHECK(d.split->seq == 2);
        CHECK(d.records_a == 4);
        CHECK(d.records_b == 2);
        CHECK(describe_divergence(d) == "the runs took different paths at record 2: `z` vs (end of trace)");
    }
    SECTION("different names: different paths, nothing after is aligned") {
        const std::string b = header() + rec(0, "x", 1) + rec(1, "y", 2, {1}) + rec(2, "branch_b", 3) + rec(3, "w", 5);
        const auto d = align_traces(write("a.jsonl", base).string(), write("b.jsonl", b).string());
        REQUIRE(d.split);
        CHECK(d.split->name_b == "branch_b");
        CHECK(d.differing == 0);
        CHECK(d.aligned == 2);
        CHECK(describe_divergence(d) == "the runs took different paths at record 2: `z` vs `branch_b`");
    }
    SECTION("kept values give ULP metrics") {
        Buffer va(DType::f32, {2}), vb(DType::f32, {2});
        va.as<float>()[0] = 1.0f;
        va.as<float>()[1] = 2.0f;
        vb.as<float>()[0] = 1.0f;
        vb.as<float>()[1] = std::nextafter(2.0f, 3.0f);
        fs::create_directories(scratch() / "va");
        fs::create_directories(scratch() / "vb");
        write_npy((scratch() / "va/0.npy").string(), va);
        write_npy((scratch() / "vb/0.npy").string(), vb);
        auto line = [](const std::string& dir, int digest) {
            return header() + "{\"seq\":0,\"name\":\"v\",\"dtype\":\"f32\",\"shape\":[2],\"digest\":\"" + digest_of(digest) +
                   "\",\"values\":\"" + dir + "/0.npy\"}\n";
        };
        const auto d = align_traces(write("a.jsonl", line("va", 1)).string(), write("b.jsonl", line("vb", 2)).string());
        REQUIRE(d.first);
        REQUIRE(d.first->stats);
        CHECK(d.first->stats->max_ulp == 1);
        CHECK(d.first->stats->differing_elements == 1);
    }
    SECTION("a malformed tail is an error even after a path split") {
        const std::string b = header() + rec(0, "q", 1) + rec(1, "y", 2).substr(0, 10);
        CHECK_THROWS_AS(align_traces(write("a.jsonl", base).string(), write("b.jsonl", b).string()), Error);
    }
}
