// TSIG (RFC 8945) against known answers computed independently with dnspython 2.3
// (dns.update.UpdateMessage(...).use_tsig(key, fudge=300) with time.time() fixed at
// 1700000000; the answer from dns.message.make_response, rcode REFUSED): the same request
// bytes and MAC for each algorithm, and an answer that verifies, then not once tampered with.
#include "registrar/tsig.h"

#include <gtest/gtest.h>

#include "dns/encoding.h"

namespace zw::registrar {
namespace {

Wire hex(std::string_view text) { return *dns::hex_decode(text); }

const char* const update_hex =
    "12342800000100000001000004746573740000060001056368696c64c00c002b00010000001e002430390d02"
    "abababababababababababababababababababababababababababababababab";

TsigKey key(std::string algorithm) {
    // base64 of "0123456789abcdef0123456789abcdef"
    return TsigKey{"zw-test.", std::move(algorithm),
                   "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="};
}

TEST(Tsig, SignsLikeDnspythonForEveryAlgorithm) {
    struct Case {
        const char* algorithm;
        const char* record;
    };
    for (auto c : {Case{"hmac-sha256",
                        "077a772d746573740000fa00ff00000000003d0b686d61632d7368613235360000006553f1"
                        "00012c00200389c8c6a0"
                        "fbb646139dec25efbda238864cda1de2b2ce9ab31170a07193b213123400000000"},
                   Case{"hmac-sha384",
                        "077a772d746573740000fa00ff00000000004d0b686d61632d7368613338340000006553f1"
                        "00012c003028948454c4"
                        "15de90bd4c6919c15917d5ab52f003f53e36bf5ba8bc8326511136ee829a61f59fa825d504"
                        "dc45c96719ac123400000000"},
                   Case{"hmac-sha512",
                        "077a772d746573740000fa00ff00000000005d0b686d61632d7368613531320000006553f1"
                        "00012c0040624ccdb2dc"
                        "74d2bd70ddb1943036c4a688467941b7e4a8c06dbacc19a16c076ede8373a374e05bf551a3"
                        "e5447a7e01107162886b"
                        "525963faf8c9114cb53d526c123400000000"}}) {
        auto s = tsig_sign(hex(update_hex), key(c.algorithm), 1700000000);
        ASSERT_TRUE(s) << s.error().describe();
        Wire want = hex(update_hex);
        want[11] = 1;  // ARCOUNT
        auto record = hex(c.record);
        want.insert(want.end(), record.begin(), record.end());
        EXPECT_EQ(dns::hex_encode(s->wire), dns::hex_encode(want)) << c.algorithm;
    }
    EXPECT_TRUE(tsig_algorithm_supported("hmac-sha384"));
    EXPECT_FALSE(tsig_algorithm_supported("hmac-md5.sig-alg.reg.int"));
    EXPECT_FALSE(tsig_algorithm_supported("hmac-sha1"));
}

TEST(Tsig, VerifiesAnAnswerAndRefusesTamperingOtherKeysAndUnsignedAnswers) {
    const Wire request_mac =
        hex("28948454c415de90bd4c6919c15917d5ab52f003f53e36bf5ba8bc8326511136ee829a61f59fa825d504dc"
            "45c96719ac");
    const Wire answer =
        hex("1234a805000100000000000104746573740000060001077a772d746573740000fa00ff00000000004d0b68"
            "6d61632d73686133383400"
            "00006553f100012c00306fc5563071ea935a1e4e62f09ae16d2044b831a5843db9fc7645d259544c3f16f8"
            "404329887790045805f77c"
            "ceefcd87123400000000");
    auto ok = tsig_verify(answer, key("hmac-sha384"), request_mac, 1700000010);
    EXPECT_TRUE(ok) << ok.error().describe();
    // Every single-bit change after the ID fails (the MAC covers the original ID, §4.3.1).
    for (std::size_t i = 2; i + 6 < answer.size(); ++i) {
        Wire bad = answer;
        bad[i] ^= 0x01;
        auto r = tsig_verify(bad, key("hmac-sha384"), request_mac, 1700000010);
        EXPECT_FALSE(r) << "byte " << i;
    }
    Wire other_mac = request_mac;
    other_mac[0] ^= 1;
    EXPECT_FALSE(tsig_verify(answer, key("hmac-sha384"), other_mac, 1700000010));
    auto other_secret = key("hmac-sha384");
    other_secret.secret = "YWJjZGVmZ2hpamtsbW5vcGFiY2RlZmdoaWprbG1ub3A=";
    EXPECT_EQ(tsig_verify(answer, other_secret, request_mac, 1700000010).error().kind,
              ErrorKind::authentication);
    EXPECT_FALSE(tsig_verify(answer, key("hmac-sha384"), request_mac, 1700000000 + 301))
        << "outside the fudge";
    Wire unsigned_answer(answer.begin(), answer.begin() + 27);  // header + question
    unsigned_answer[11] = 0;
    auto u = tsig_verify(unsigned_answer, key("hmac-sha384"), request_mac, 1700000010);
    ASSERT_FALSE(u);
    EXPECT_NE(u.error().message.find("rcode 5"), std::string::npos) << u.error().message;
    for (std::size_t n = 0; n < answer.size(); ++n) {  // truncations never verify, never crash
        Wire cut(answer.begin(), answer.begin() + static_cast<std::ptrdiff_t>(n));
        EXPECT_FALSE(tsig_verify(cut, key("hmac-sha384"), request_mac, 1700000010)) << n;
    }
}

}  // namespace
}  // namespace zw::registrar
