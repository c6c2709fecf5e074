// Random bytes thrown at the server, before and after startup, and mutated valid messages: the
// server must answer or close every connection, and keep serving well-behaved clients.
#include <gtest/gtest.h>

#include <random>

#include "unit/pgwire/raw_client.h"
#include "unit/pgwire/test_server.h"

namespace dynasink::pgwire::testing {
namespace {

using namespace std::chrono_literals;

std::string RandomBytes(std::mt19937& rng, size_t max_len) {
  std::string s(rng() % (max_len + 1), '\0');
  for (char& c : s)
    c = static_cast<char>(rng());
  return s;
}

// A plausible message with a random type and a random (sometimes lying) length.
std::string RandomMessage(std::mt19937& rng) {
  static const char kTypes[] = "QPBDECSHXdcfpF\x00\xff";
  char type = kTypes[rng() % (sizeof kTypes - 1)];
  std::string body = RandomBytes(rng, 40);
  int64_t len = static_cast<int64_t>(body.size()) + 4;
  switch (rng() % 4) {
    case 0:
      len = rng() % 8;
      break;  // too short
    case 1:
      len += static_cast<int>(rng() % 16);
      break;  // longer than what follows
    default:
      break;
  }
  return std::string(1, type) + I32(len) + body;
}

bool ServerStillWorks(uint16_t port) {
  RawClient c(port);
  c.Startup();
  c.SendMessage('Q', Cstr("SELECT generate_series(1, 2)"));
  auto msgs = c.ReadUntilReady();
  return msgs.size() == 5 && msgs.back().type == 'Z';
}

TEST(Fuzz, RandomBytesBeforeStartup) {
  ServerOptions options;
  options.startup_timeout = 2s;
  TestServer server(options);
  std::mt19937 rng(1234);
  for (int i = 0; i < 150; ++i) {
    RawClient c(server.port());
    ASSERT_TRUE(c.connected());
    std::string bytes = RandomBytes(rng, 64);
    if (i % 3 == 0 && bytes.size() >= 8) {
      // Make the length plausible so that the body is parsed.
      std::string len = I32(static_cast<int64_t>(bytes.size()));
      bytes.replace(0, 4, len);
    }
    c.Send(bytes);
    c.CloseWrite();
    EXPECT_TRUE(c.WaitClosed(5s)) << "iteration " << i;
  }
  EXPECT_TRUE(ServerStillWorks(server.port()));
}

TEST(Fuzz, RandomMessagesAfterStartup) {
  TestServer server;
  std::mt19937 rng(99);
  for (int i = 0; i < 200; ++i) {
    RawClient c(server.port());
    c.Startup();
    std::string bytes;
    int n = 1 + rng() % 4;
    for (int k = 0; k < n; ++k)
      bytes += i % 5 == 0 ? RandomBytes(rng, 64) : RandomMessage(rng);
    c.Send(bytes);
    c.CloseWrite();
    EXPECT_TRUE(c.WaitClosed(5s)) << "iteration " << i;
  }
  EXPECT_TRUE(ServerStillWorks(server.port()));
  EXPECT_EQ(server.backend().shared().sessions_alive.load() <= 1, true);
}

TEST(Fuzz, MutatedExtendedProtocolMessages) {
  TestServer server;
  std::mt19937 rng(7);
  const std::vector<std::string> valid = {
      std::string("P") + I32(4 + ParseBody("s", "SELECT * FROM t WHERE id = $1", {23}).size()) +
          ParseBody("s", "SELECT * FROM t WHERE id = $1", {23}),
      std::string("B") + I32(4 + BindBody("p", "s", {std::string("1")}, {1}).size()) +
          BindBody("p", "s", {std::string("1")}, {1}),
      std::string("D") + I32(4 + DescribeBody('P', "p").size()) + DescribeBody('P', "p"),
      std::string("E") + I32(4 + ExecuteBody("p", 1).size()) + ExecuteBody("p", 1),
      std::string("S") + I32(4),
  };
  for (int i = 0; i < 200; ++i) {
    RawClient c(server.port());
    c.Startup();
    std::string bytes;
    for (const auto& m : valid)
      bytes += m;
    // Flip, drop or insert a few bytes after the first message's type byte.
    for (int k = 0; k < 1 + static_cast<int>(rng() % 3); ++k) {
      size_t at = 1 + rng() % (bytes.size() - 1);
      switch (rng() % 3) {
        case 0:
          bytes[at] = static_cast<char>(rng());
          break;
        case 1:
          bytes.erase(at, 1);
          break;
        default:
          bytes.insert(at, 1, static_cast<char>(rng()));
          break;
      }
    }
    c.Send(bytes);
    c.CloseWrite();
    EXPECT_TRUE(c.WaitClosed(5s)) << "iteration " << i;
  }
  EXPECT_TRUE(ServerStillWorks(server.port()));
}

}  // namespace
}  // namespace dynasink::pgwire::testing
