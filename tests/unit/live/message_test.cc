#include "live/message.h"

#include <gtest/gtest.h>

#include "dns/rdata.h"

namespace zw::live {
namespace {

dns::Name n(std::string_view text) { return dns::Name::from_text(text).value(); }

// A response to `query` with the given answer records appended after the question; the
// first answer's owner is a compression pointer to the question name (offset 12).
dns::Bytes make_response(const dns::Bytes& query, std::uint16_t id, std::uint16_t rc,
                         std::span<const dns::Rr> answers, bool compress_first = true) {
    dns::Bytes out;
    dns::put_u16(out, id);
    out.push_back(0x84);  // QR, AA
    out.push_back(static_cast<std::uint8_t>(rc & 0x0f));
    dns::put_u16(out, 1);
    dns::put_u16(out, static_cast<std::uint16_t>(answers.size()));
    dns::put_u16(out, 0);
    dns::put_u16(out, 0);
    std::size_t qlen = dns::wire_name_length(std::span(query).subspan(12)) + 4;
    out.insert(out.end(), query.begin() + 12,
               query.begin() + 12 + static_cast<std::ptrdiff_t>(qlen));
    bool first = true;
    for (const dns::Rr& rr : answers) {
        if (first && compress_first) {
            out.push_back(0xc0);
            out.push_back(12);
            dns::put_u16(out, rr.type);
            dns::put_u16(out, dns::class_in);
            dns::put_u32(out, rr.ttl);
            dns::put_u16(out, static_cast<std::uint16_t>(rr.rdata.size()));
            out.insert(out.end(), rr.rdata.begin(), rr.rdata.end());
        } else {
            append_rr_wire(out, rr);
        }
        first = false;
    }
    return out;
}

TEST(Message, QueryCarriesEdnsDoAnd1232Buffer) {
    Question q{n("Example.ORG."), dns::rrtype::DNSKEY};
    dns::Bytes wire = build_query(0xbeef, q, QueryOptions{});
    Message m = parse_message(wire).value();
    EXPECT_EQ(m.id, 0xbeef);
    EXPECT_FALSE(m.flags.qr);
    EXPECT_FALSE(m.flags.rd);  // authoritative checks never ask for recursion
    ASSERT_EQ(m.questions.size(), 1u);
    EXPECT_EQ(m.questions[0].name.to_text(), "example.org.");
    EXPECT_EQ(m.questions[0].type, dns::rrtype::DNSKEY);
    ASSERT_TRUE(m.edns);
    EXPECT_EQ(m.edns->udp_size, 1232);
    EXPECT_TRUE(m.edns->dnssec_ok);

    Message d = parse_message(build_query(1, q, QueryOptions{true, true, false, 4096})).value();
    EXPECT_TRUE(d.flags.rd);
    EXPECT_TRUE(d.flags.cd);
    EXPECT_FALSE(d.edns->dnssec_ok);
    EXPECT_EQ(d.edns->udp_size, 4096);
}

TEST(Message, CompressedAnswerIsDecodedToCanonicalRecords) {
    Question q{n("example.org."), dns::rrtype::NS};
    dns::Bytes query = build_query(7, q, {});
    dns::Rr ns1 = dns::rr_from_text("example.org. 300 IN NS NS1.Example.org.").value();
    dns::Rr ns2 = dns::rr_from_text("example.org. 200 IN NS ns0.example.org.").value();
    std::vector<dns::Rr> answers{ns1, ns2};
    Message m = parse_message(make_response(query, 7, rcode::noerror, answers)).value();
    EXPECT_TRUE(m.flags.qr);
    EXPECT_TRUE(m.flags.aa);
    ASSERT_EQ(m.answer.size(), 2u);
    EXPECT_EQ(m.answer[0].owner.to_text(), "example.org.");
    auto set = find_rrset(m.answer, n("example.org."), dns::rrtype::NS).value();
    EXPECT_EQ(set.ttl, 200u);  // the smallest TTL of the set
    ASSERT_EQ(set.rdatas.size(), 2u);
    EXPECT_EQ(dns::rdata_target_name(dns::rrtype::NS, set.rdatas[0])->to_text(),
              "ns0.example.org.");  // sorted
    EXPECT_FALSE(find_rrset(m.answer, n("example.org."), dns::rrtype::A));
}

TEST(Message, RrsigsJoinTheSetTheyCover) {
    std::vector<dns::Rr> section{
        dns::rr_from_text("a.example. 60 IN A 192.0.2.1").value(),
        dns::rr_from_text(
            "a.example. 60 IN RRSIG A 13 2 60 20300101000000 20200101000000 1234 example. AAAA")
            .value(),
        dns::rr_from_text("a.example. 60 IN A 192.0.2.1").value(),  // duplicate, dropped
        dns::rr_from_text(
            "a.example. 60 IN RRSIG TXT 13 2 60 20300101000000 20200101000000 1234 example. AAAA")
            .value(),
    };
    auto sets = group_rrsets(section);
    ASSERT_EQ(sets.size(), 2u);
    EXPECT_EQ(sets[0].type, dns::rrtype::A);
    EXPECT_EQ(sets[0].rdatas.size(), 1u);
    EXPECT_EQ(sets[0].rrsigs.size(), 1u);
    EXPECT_EQ(sets[1].type, dns::rrtype::TXT);  // a signature alone still shows up
    EXPECT_TRUE(sets[1].rdatas.empty());
    auto a = find_rrset(section, n("a.example."), dns::rrtype::A).value();
    EXPECT_EQ(a.rrsigs.size(), 1u);
    EXPECT_FALSE(find_rrset(section, n("a.example."), dns::rrtype::TXT));  // no data, no set
}

TEST(Message, GarbageIsRejected) {
    dns::Bytes short_one{1, 2, 3};
    EXPECT_FALSE(parse_message(short_one));
    dns::Bytes query = build_query(9, Question{n("x."), dns::rrtype::A}, {});
    query.resize(query.size() - 5);  // OPT record cut off
    EXPECT_FALSE(parse_message(query));
}

TEST(Message, ExtendedRcodeIsAssembledFromTheOptRecord) {
    dns::Bytes query = build_query(3, Question{n("x."), dns::rrtype::A}, {});
    dns::Bytes resp = query;
    resp[2] |= 0x80;            // QR
    resp[resp.size() - 6] = 1;  // OPT TTL: extended RCODE 1 -> 16 (BADVERS)
    Message m = parse_message(resp).value();
    EXPECT_EQ(m.rcode, rcode::badvers);
    EXPECT_EQ(rcode_text(m.rcode), "BADVERS");
}

class Matching : public ::testing::Test {
  protected:
    Question q{n("example.org."), dns::rrtype::SOA};
    dns::Bytes query = build_query(0x1234, q, {});
    std::vector<dns::Rr> answers{
        dns::rr_from_text("example.org. 60 IN SOA ns. host. 5 1 1 1 1").value()};
    Message out;
};

TEST_F(Matching, TheRightAnswerIsAccepted) {
    dns::Bytes r = make_response(query, 0x1234, rcode::noerror, answers);
    EXPECT_EQ(match_response(r, "127.0.0.1", 53, "127.0.0.1", 53, 0x1234, q, out),
              MatchResult::accepted);
    EXPECT_EQ(dns::soa_timers(out.answer.at(0).rdata)->serial, 5u);
}

TEST_F(Matching, WrongIdIsIgnored) {
    dns::Bytes r = make_response(query, 0x1235, rcode::noerror, answers);
    EXPECT_EQ(match_response(r, "127.0.0.1", 53, "127.0.0.1", 53, 0x1234, q, out),
              MatchResult::wrong_id);
}

TEST_F(Matching, WrongQuestionIsIgnored) {
    dns::Bytes other = build_query(0x1234, Question{n("example.net."), dns::rrtype::SOA}, {});
    dns::Bytes r = make_response(other, 0x1234, rcode::noerror, {});
    EXPECT_EQ(match_response(r, "127.0.0.1", 53, "127.0.0.1", 53, 0x1234, q, out),
              MatchResult::wrong_question);
    dns::Bytes other_type =
        build_query(0x1234, Question{n("example.org."), dns::rrtype::DNSKEY}, {});
    r = make_response(other_type, 0x1234, rcode::noerror, {});
    EXPECT_EQ(match_response(r, "127.0.0.1", 53, "127.0.0.1", 53, 0x1234, q, out),
              MatchResult::wrong_question);
    // The same name in other case is the same question (names compare case-insensitively).
    dns::Bytes upper = build_query(0x1234, q, {});
    upper[13] = 'E';
    r = make_response(upper, 0x1234, rcode::noerror, {});
    EXPECT_EQ(match_response(r, "127.0.0.1", 53, "127.0.0.1", 53, 0x1234, q, out),
              MatchResult::accepted);
}

TEST_F(Matching, AnswerFromAnotherAddressOrPortIsIgnored) {
    dns::Bytes r = make_response(query, 0x1234, rcode::noerror, answers);
    EXPECT_EQ(match_response(r, "127.0.0.2", 53, "127.0.0.1", 53, 0x1234, q, out),
              MatchResult::wrong_source);
    EXPECT_EQ(match_response(r, "127.0.0.1", 5353, "127.0.0.1", 53, 0x1234, q, out),
              MatchResult::wrong_source);
    EXPECT_EQ(match_response(r, "::1", 53, "127.0.0.1", 53, 0x1234, q, out),
              MatchResult::wrong_source);
}

TEST_F(Matching, OurOwnQueryEchoedIsNotAnAnswer) {
    EXPECT_EQ(match_response(query, "127.0.0.1", 53, "127.0.0.1", 53, 0x1234, q, out),
              MatchResult::not_a_response);
    dns::Bytes junk(40, 0);
    junk[0] = 0x12;
    junk[1] = 0x34;
    junk[5] = 9;  // nine questions that are not there
    EXPECT_EQ(match_response(junk, "127.0.0.1", 53, "127.0.0.1", 53, 0x1234, q, out),
              MatchResult::malformed);
}

}  // namespace
}  // namespace zw::live
