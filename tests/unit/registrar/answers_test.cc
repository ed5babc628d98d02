// The Gandi and OVH answer parsers fed directly, without a network: valid answers as the
// published definitions describe them, then every field null, missing, of the wrong type or
// out of range, and every truncation of the body. The result is a value or a typed
// bad_answer error naming the field and the exchange, every time; nothing throws.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <optional>

#include "registrar/gandi.h"
#include "registrar/ovh.h"

namespace zw::registrar {
namespace {

using nlohmann::json;

Exchange answer(long status, std::string body, Headers headers = {}) {
    Exchange ex{"GET", "https://api.test/v5/domain/domains/child.test/dnskeys?page=1", {}};
    ex.response.status = status;
    ex.response.body = std::move(body);
    ex.response.headers = std::move(headers);
    return ex;
}

// A Gandi key object with every field of the published listing.
json gandi_key(int id, std::string_view type) {
    return {
        {"id", id},
        {"algorithm", 13},
        {"digest", "3490A6806D47F17A34C29E2CE80E8A999FFBE4BE"},
        {"digest_type", 1},
        {"keytag", 2371},
        {"type", type},
        {"public_key",
         "mdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl+GqJxpVXckHAeF+KkxLbxILfDLUT0rAK9iUzy1L53eKGQ="
         "="},
        {"href", "https://api.test/v5/domain/domains/child.test/dnskeys/" + std::to_string(id)}};
}

// The values a field is replaced by; nullopt removes it.
const std::vector<std::pair<std::string, std::optional<json>>>& variants() {
    static const std::vector<std::pair<std::string, std::optional<json>>> v{
        {"null", json(nullptr)},
        {"missing", std::nullopt},
        {"a string", json("x")},
        {"a fraction", json(1.5)},
        {"an array", json::array()},
        {"an object", json::object()},
        {"a boolean", json(true)},
        {"negative", json(-1)},
        {"huge", json(18446744073709551615ull)}};
    return v;
}

// Replaces `field` of the object at `at` (a JSON pointer) in `body` by each variant and
// checks the parser: accepted variants parse, all others are a bad_answer naming the field.
template <typename Parse>
void each_variant(const json& body, const std::string& at, const std::string& field,
                  const std::vector<std::string>& accepted, Parse parse) {
    for (const auto& [name, value] : variants()) {
        json b = body;
        json& obj = b.at(json::json_pointer(at));
        if (value)
            obj[field] = *value;
        else
            obj.erase(field);
        auto r = parse(answer(200, b.dump()));
        bool ok = std::find(accepted.begin(), accepted.end(), name) != accepted.end();
        if (ok) {
            EXPECT_TRUE(r.has_value()) << field << " " << name << ": " << r.error().describe();
            continue;
        }
        ASSERT_FALSE(r.has_value()) << field << " " << name << " was accepted";
        EXPECT_EQ(r.error().kind, ErrorKind::bad_answer)
            << field << " " << name << ": " << r.error().describe();
        EXPECT_NE(r.error().message.find(field), std::string::npos) << r.error().message;
        EXPECT_NE(r.error().message.find("GET https://api.test/"), std::string::npos)
            << r.error().message;
    }
}

// Every proper prefix of a body is a bad_answer, never a value and never an exception.
template <typename Parse>
void each_truncation(const std::string& body, Parse parse) {
    for (std::size_t n = 0; n < body.size(); ++n) {
        auto r = parse(answer(200, body.substr(0, n)));
        ASSERT_FALSE(r.has_value()) << "a body cut at " << n << " bytes was accepted";
        EXPECT_EQ(r.error().kind, ErrorKind::bad_answer) << r.error().describe();
    }
}

// ---- Gandi ----

TEST(GandiAnswers, KeysCarryTypeNotFlagsAndTheFlagIsDerived) {
    json body = json::array({gandi_key(11, "ksk"), gandi_key(12, "zsk")});
    body[1].erase("public_key");  // optional in the listing: the digest identifies the key then
    auto p = gandi_parse_list(answer(200, body.dump()));
    ASSERT_TRUE(p) << p.error().describe();
    ASSERT_EQ(p->keys.size(), 2u);
    EXPECT_EQ(p->keys[0].id, "11");
    EXPECT_EQ(p->keys[0].flags, 257);
    EXPECT_EQ(p->keys[0].key_tag, 2371);
    EXPECT_TRUE(p->keys[0].has_key());
    EXPECT_EQ(p->keys[1].flags, 256);
    EXPECT_FALSE(p->keys[1].has_key());
    EXPECT_TRUE(p->keys[1].has_digest());
    EXPECT_FALSE(p->next);
}

TEST(GandiAnswers, ATypeOfNoneOrUnknownIsReportedNeverGuessed) {
    for (std::string_view type : {"none", "KSK", "csk", ""}) {
        auto p = gandi_parse_list(answer(200, json::array({gandi_key(7, type)}).dump()));
        ASSERT_FALSE(p) << type;
        EXPECT_EQ(p.error().kind, ErrorKind::bad_answer);
        EXPECT_NE(p.error().message.find("[0].type"), std::string::npos) << p.error().message;
        EXPECT_NE(p.error().message.find("not guessed"), std::string::npos) << p.error().message;
    }
}

TEST(GandiAnswers, EveryKeyFieldNullMissingOrOfTheWrongType) {
    json body = json::array({gandi_key(1, "ksk")});
    auto parse = [](const Exchange& ex) { return gandi_parse_list(ex); };
    for (std::string field : {"id", "type", "keytag", "algorithm", "digest_type", "digest"})
        each_variant(body, "/0", field, {}, parse);
    each_variant(body, "/0", "public_key", {"null", "missing"}, parse);
    // href is not relied on: whatever it holds, the key reads.
    each_variant(body, "/0", "href",
                 {"null", "missing", "a string", "a fraction", "an array", "an object", "a boolean",
                  "negative", "huge"},
                 parse);
}

TEST(GandiAnswers, TruncatedAndForeignBodies) {
    each_truncation(json::array({gandi_key(1, "ksk"), gandi_key(2, "zsk")}).dump(),
                    [](const Exchange& ex) { return gandi_parse_list(ex); });
    for (std::string body :
         {"null", "{}", "\"keys\"", "17", "<html>Bad gateway</html>", "[null]", "[[]]", "[17]"}) {
        auto p = gandi_parse_list(answer(200, body));
        ASSERT_FALSE(p) << body;
        EXPECT_EQ(p.error().kind, ErrorKind::bad_answer) << body;
    }
    EXPECT_TRUE(gandi_parse_list(answer(200, "[]")));
}

TEST(GandiAnswers, StatusesMapToKinds) {
    auto kind = [](long status) { return gandi_parse_list(answer(status, "{}")).error().kind; };
    EXPECT_EQ(kind(401), ErrorKind::authentication);
    EXPECT_EQ(kind(403), ErrorKind::authentication);
    EXPECT_EQ(kind(404), ErrorKind::not_found);
    EXPECT_EQ(kind(429), ErrorKind::transient);
    EXPECT_EQ(kind(503), ErrorKind::transient);
    EXPECT_EQ(kind(302), ErrorKind::bad_answer);
    EXPECT_EQ(kind(201), ErrorKind::bad_answer);
    auto forbidden = gandi_parse_add(
        answer(403, R"({"code":403,"message":"Forbidden","object":"HTTPForbidden","cause":""})"));
    ASSERT_FALSE(forbidden);
    EXPECT_NE(forbidden.error().message.find("no rights"), std::string::npos)
        << forbidden.error().message;
    EXPECT_TRUE(gandi_parse_add(answer(202, R"({"message":"accepted"})"))->async);
    EXPECT_TRUE(gandi_parse_remove(answer(202, R"({"message":"accepted"})"))->async);
    EXPECT_FALSE(gandi_parse_remove(answer(204, ""))->async);
    // Error bodies of any shape still give an error of the status's kind.
    for (std::string body :
         {"", "null", "[]", R"({"message":7,"errors":[1,{"name":null}]})", "{\"message\":"})
        EXPECT_EQ(gandi_parse_add(answer(400, body)).error().kind, ErrorKind::invalid) << body;
}

TEST(GandiAnswers, TheNextPageComesFromTheLinkHeader) {
    auto p = gandi_parse_list(answer(200, "[]",
                                     {{"link",
                                       "<https://api.test/v5/domain/domains/child.test/"
                                       "dnskeys?page=2&per_page=1>; rel=\"next\", "
                                       "<https://api.test/v5/domain/domains/child.test/"
                                       "dnskeys?page=3&per_page=1>; rel=\"last\""}}));
    ASSERT_TRUE(p);
    EXPECT_EQ(p->next, "https://api.test/v5/domain/domains/child.test/dnskeys?page=2&per_page=1");
    EXPECT_EQ(link_next("<a>; rel=last, <b,c>; rel=next"), "b,c");
    EXPECT_EQ(link_next("<a>; title=\"x\"; REL=\"prev next\""), "a");
    EXPECT_FALSE(link_next("<a>; rel=\"last\""));
    EXPECT_FALSE(link_next("<a; rel=next"));
    EXPECT_FALSE(link_next("rel=next"));
    EXPECT_FALSE(link_next(""));
}

TEST(GandiAnswers, TypesAndFlags) {
    EXPECT_EQ(gandi_type_flags("ksk"), 257);
    EXPECT_EQ(gandi_type_flags("zsk"), 256);
    EXPECT_FALSE(gandi_type_flags("none"));
    EXPECT_EQ(gandi_flags_type(257), "ksk");
    EXPECT_EQ(gandi_flags_type(256), "zsk");
    EXPECT_FALSE(gandi_flags_type(385));
}

// ---- OVH ----

// domain.Task as the published schema describes it; comment, domain and doneDate are nullable.
json ovh_task(std::string_view status) {
    return {{"id", 5000},
            {"function", "DomainDsUpdate"},
            {"status", status},
            {"comment", nullptr},
            {"domain", nullptr},
            {"creationDate", "2026-01-01T12:00:00+01:00"},
            {"todoDate", "2026-01-01T12:00:00+01:00"},
            {"lastUpdate", "2026-01-01T12:00:00+01:00"},
            {"doneDate", nullptr},
            {"canAccelerate", false},
            {"canCancel", false},
            {"canRelaunch", false}};
}

json ovh_key() {
    return {{"id", 100},
            {"algorithm", 13},
            {"flags", 257},
            {"publicKey",
             "mdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl+GqJxpVXckHAeF+"
             "KkxLbxILfDLUT0rAK9iUzy1L53eKGQ=="},
            {"tag", 2371},
            {"status", "active"}};
}

TEST(OvhAnswers, TaskWithNullCommentAndEveryPublishedStatus) {
    auto t = ovh_parse_task(answer(200, ovh_task("todo").dump()));
    ASSERT_TRUE(t) << t.error().describe();
    EXPECT_EQ(t->id, 5000);
    EXPECT_FALSE(t->comment);
    EXPECT_EQ(ovh_task_status(*t).state, TaskState::pending);
    auto state = [](std::string_view status) {
        return ovh_task_status(*ovh_parse_task(answer(200, ovh_task(status).dump()))).state;
    };
    EXPECT_EQ(state("doing"), TaskState::pending);
    EXPECT_EQ(state("done"), TaskState::done);
    EXPECT_EQ(state("error"), TaskState::failed);
    EXPECT_EQ(state("cancelled"), TaskState::failed);
    // The 2024 schema's "problem" waits on OVHcloud's staff; "init" is in no schema.
    EXPECT_EQ(state("problem"), TaskState::unknown);
    EXPECT_EQ(state("init"), TaskState::unknown);
    json commented = ovh_task("error");
    commented["comment"] = "registry refused the DS set";
    auto e = ovh_task_status(*ovh_parse_task(answer(200, commented.dump())));
    EXPECT_NE(e.detail.find("registry refused the DS set"), std::string::npos) << e.detail;
}

TEST(OvhAnswers, EveryTaskFieldNullMissingOrOfTheWrongType) {
    json body = ovh_task("doing");
    auto parse = [](const Exchange& ex) { return ovh_parse_task(ex); };
    each_variant(body, "", "id", {}, parse);
    each_variant(body, "", "function", {"a string"}, parse);
    each_variant(body, "", "status", {"a string"}, parse);
    each_variant(body, "", "comment", {"null", "missing", "a string"}, parse);
    const std::vector<std::string> all{"null",       "missing",  "a string",
                                       "a fraction", "an array", "an object",
                                       "a boolean",  "negative", "huge"};
    for (std::string field :
         {"domain", "doneDate", "todoDate", "lastUpdate", "creationDate", "canCancel"})
        each_variant(body, "", field, all, parse);  // not relied on
    each_truncation(body.dump(), parse);
}

TEST(OvhAnswers, EveryDsRecordFieldNullMissingOrOfTheWrongType) {
    auto parse = [](const Exchange& ex) { return ovh_parse_ds_record(ex); };
    auto e = parse(answer(200, ovh_key().dump()));
    ASSERT_TRUE(e) << e.error().describe();
    EXPECT_EQ(e->id, "100");
    EXPECT_EQ(e->flags, 257);
    for (std::string field : {"id", "algorithm", "flags", "tag", "publicKey"})
        each_variant(ovh_key(), "", field, {}, parse);
    json zsk = ovh_key();
    zsk["flags"] = 385;  // dnssec.KeyFlagEnum is 256 or 257
    EXPECT_EQ(parse(answer(200, zsk.dump())).error().kind, ErrorKind::bad_answer);
    each_truncation(ovh_key().dump(), parse);
}

TEST(OvhAnswers, IdListsAndTheServerClock) {
    EXPECT_EQ(*ovh_parse_ids(answer(200, "[100,101]")), (std::vector<std::int64_t>{100, 101}));
    for (std::string body :
         {"null", "{}", "[\"100\"]", "[1.5]", "[-1]", "[null]", "[100,", "", "7"}) {
        auto r = ovh_parse_ids(answer(200, body));
        ASSERT_FALSE(r) << body;
        EXPECT_EQ(r.error().kind, ErrorKind::bad_answer) << body;
    }
    EXPECT_EQ(*ovh_parse_time(answer(200, "1700000000")), 1700000000);
    for (std::string body : {"null", "\"1700000000\"", "1.7e9", "-5", "", "{}"})
        EXPECT_EQ(ovh_parse_time(answer(200, body)).error().kind, ErrorKind::bad_answer) << body;
}

TEST(OvhAnswers, ErrorAnswersOfAnyShape) {
    auto err = ovh_parse_task(answer(
        403,
        R"({"errorCode":"NOT_GRANTED_CALL","httpCode":"403 Forbidden","message":"This call has not been granted"})",
        {{"X-Ovh-QueryID", "EU.ext-3.1"}}));
    ASSERT_FALSE(err);
    EXPECT_EQ(err.error().kind, ErrorKind::authentication);
    EXPECT_NE(err.error().message.find("EU.ext-3.1"), std::string::npos) << err.error().message;
    for (std::string body : {"", "null", "[]", R"({"message":null,"class":7})", "{\"message\":"}) {
        EXPECT_EQ(ovh_parse_task(answer(404, body)).error().kind, ErrorKind::not_found) << body;
        EXPECT_EQ(ovh_parse_task(answer(409, body)).error().kind, ErrorKind::in_progress) << body;
        EXPECT_EQ(ovh_parse_task(answer(500, body)).error().kind, ErrorKind::transient) << body;
        EXPECT_EQ(ovh_parse_task(answer(204, body)).error().kind, ErrorKind::bad_answer) << body;
    }
}

}  // namespace
}  // namespace zw::registrar
