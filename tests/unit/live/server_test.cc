// Server addresses as the configuration and the command line give them.
#include "live/server.h"

#include <gtest/gtest.h>

namespace zw::live {
namespace {

TEST(Server, ReadsWhatLabelWrites) {
    for (Server s : {Server{"127.0.0.1", 53}, Server{"127.0.0.1", 5300}, Server{"::1", 53},
                     Server{"::1", 5300}, Server{"2001:db8::53", 65535}}) {
        auto back = parse_server(s.label());
        ASSERT_TRUE(back) << s.label() << ": " << back.error().message;
        EXPECT_EQ(*back, s) << s.label();
    }
}

TEST(Server, ThePortDefaultsToTheCallersChoice) {
    EXPECT_EQ(parse_server("192.0.2.1", 0)->port, 0);
    EXPECT_EQ(parse_server("192.0.2.1")->port, 53);
    EXPECT_EQ(parse_server("192.0.2.1:5353", 0)->port, 5353);
    EXPECT_EQ(parse_server("[::1]:7", 53)->port, 7);
}

TEST(Server, HostNamesBadPortsAndBrokenBracketsAreRefused) {
    for (const char* text : {"", "ns1.example.", "localhost:53", "192.0.2.1:", "192.0.2.1:0",
                             "192.0.2.1:65536", "192.0.2.1:53x", "192.0.2.1@53", "[::1", "[::1]53",
                             "[::1]:", "[192.0.2.1]:53", "::1:53:zz", "300.0.2.1"}) {
        auto s = parse_server(text);
        EXPECT_FALSE(s) << text << " was read as " << s->address << " port " << s->port;
        if (!s) {
            EXPECT_NE(s.error().message.find(text), std::string::npos) << s.error().message;
        }
    }
}

}  // namespace
}  // namespace zw::live
