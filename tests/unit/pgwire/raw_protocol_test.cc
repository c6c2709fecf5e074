// Protocol edge cases over a raw socket: SSL/GSS refusal, version negotiation, row limits and
// PortalSuspended, Flush and Sync semantics, statement/portal lifetimes, cancel requests,
// malformed and oversized messages, timeouts and connection limits.
#include <gtest/gtest.h>

#include <thread>

#include "unit/pgwire/raw_client.h"
#include "unit/pgwire/test_server.h"

namespace dynasink::pgwire::testing {
namespace {

using namespace std::chrono_literals;

std::string Types(const std::vector<RawMessage>& msgs) {
  std::string s;
  for (const auto& m : msgs)
    s.push_back(m.type);
  return s;
}

std::string Tag(const RawMessage& m) {
  return m.body.substr(0, m.body.find('\0'));
}

class RawProtocolTest : public ::testing::Test {
 protected:
  TestServer server_;
};

TEST_F(RawProtocolTest, StartupSequence) {
  RawClient c(server_.port());
  auto msgs = c.Startup();
  std::string types = Types(msgs);
  ASSERT_FALSE(types.empty());
  EXPECT_EQ(types.front(), 'R');
  EXPECT_EQ(msgs.front().Int32At(0), 0);  // AuthenticationOk
  EXPECT_EQ(types.substr(types.size() - 2), "KZ");
  EXPECT_EQ(std::count(types.begin(), types.end(), 'S'), 11);
  EXPECT_EQ(msgs.back().body, "I");
  EXPECT_GT(c.pid(), 0);
}

TEST_F(RawProtocolTest, SslAndGssRequestsAreRefused) {
  RawClient c(server_.port());
  ASSERT_TRUE(c.Send(I32(8) + I32(80877104)));  // GSSENCRequest
  EXPECT_EQ(c.ReadByte(), 'N');
  ASSERT_TRUE(c.Send(I32(8) + I32(80877103)));  // SSLRequest
  EXPECT_EQ(c.ReadByte(), 'N');
  auto msgs = c.Startup();
  EXPECT_EQ(Types(msgs).back(), 'Z');
}

TEST_F(RawProtocolTest, DataPipelinedAfterSslRequestIsRefused) {
  RawClient c(server_.port());
  ASSERT_TRUE(c.Send(I32(8) + I32(80877103) + RawClient::StartupPacket({{"user", "root"}})));
  auto m = c.Read();
  ASSERT_TRUE(m);
  EXPECT_EQ(m->type, 'E');
  EXPECT_EQ(m->Field('C'), "08P01");
  EXPECT_TRUE(c.WaitClosed());
}

TEST_F(RawProtocolTest, NewerMinorVersionIsNegotiated) {
  RawClient c(server_.port());
  c.Send(RawClient::StartupPacket({{"user", "root"}, {"_pq_.fancy", "1"}}, (3 << 16) | 2));
  auto msgs = c.ReadUntilReady();
  ASSERT_FALSE(msgs.empty());
  EXPECT_EQ(msgs[0].type, 'v');
  EXPECT_EQ(msgs[0].Int32At(0), 3 << 16);
  EXPECT_EQ(msgs[0].Int32At(4), 1);
  EXPECT_EQ(msgs[0].body.substr(8), Cstr("_pq_.fancy"));
  EXPECT_EQ(Types(msgs).back(), 'Z');
}

TEST_F(RawProtocolTest, OldProtocolAndMissingUserAreFatal) {
  {
    RawClient c(server_.port());
    c.Send(RawClient::StartupPacket({{"user", "root"}}, 2 << 16));
    auto m = c.Read();
    ASSERT_TRUE(m);
    EXPECT_EQ(m->Field('S'), "FATAL");
    EXPECT_EQ(m->Field('C'), "0A000");
    EXPECT_TRUE(c.WaitClosed());
  }
  {
    RawClient c(server_.port());
    c.Send(RawClient::StartupPacket({{"database", "dev"}}));
    auto m = c.Read();
    ASSERT_TRUE(m);
    EXPECT_EQ(m->Field('C'), "28000");
    EXPECT_TRUE(c.WaitClosed());
  }
  {
    RawClient c(server_.port());  // a parameter without a value
    c.Send(I32(4 + 4 + 5) + I32(3 << 16) + Cstr("user"));
    auto m = c.Read();
    ASSERT_TRUE(m);
    EXPECT_EQ(m->Field('C'), "08P01");
    EXPECT_TRUE(c.WaitClosed());
  }
}

TEST_F(RawProtocolTest, BadStartupLengths) {
  for (int64_t len : {0, 3, 7, 10001, 0x7fffffff}) {
    RawClient c(server_.port());
    c.Send(I32(len) + I32(3 << 16));
    EXPECT_TRUE(c.WaitClosed()) << len;
  }
}

TEST_F(RawProtocolTest, StartupTimeout) {
  ServerOptions options;
  options.startup_timeout = 300ms;
  TestServer server(options);
  RawClient c(server.port());
  c.Send(I32(100));  // a startup packet that never completes
  auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(c.WaitClosed(5s));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
}

TEST_F(RawProtocolTest, PortalRowLimitsAndSuspension) {
  RawClient c(server_.port());
  c.Startup();
  c.SendMessage('P', ParseBody("", "SELECT generate_series(1, 7)"));
  c.SendMessage('B', BindBody("", ""));
  c.SendMessage('D', DescribeBody('P', ""));
  c.SendMessage('E', ExecuteBody("", 3));
  c.SendMessage('E', ExecuteBody("", 3));
  c.SendMessage('E', ExecuteBody("", 3));
  c.SendMessage('E', ExecuteBody("", 3));  // exhausted: nothing more
  c.SendMessage('S', "");
  auto msgs = c.ReadUntilReady();
  EXPECT_EQ(Types(msgs), "12TDDDsDDDsDCCZ");
  EXPECT_EQ(Tag(msgs[msgs.size() - 3]), "SELECT 1");
  EXPECT_EQ(Tag(msgs[msgs.size() - 2]), "SELECT 0");
  EXPECT_EQ(msgs[3].body, I16(1) + I32(1) + "1");
  EXPECT_EQ(msgs[11].body, I16(1) + I32(1) + "7");
  // After Sync the unnamed portal is gone.
  c.SendMessage('E', ExecuteBody("", 0));
  c.SendMessage('S', "");
  msgs = c.ReadUntilReady();
  ASSERT_EQ(Types(msgs), "EZ");
  EXPECT_EQ(msgs[0].Field('C'), "34000");
}

TEST_F(RawProtocolTest, ExactRowLimitStillSuspends) {
  RawClient c(server_.port());
  c.Startup();
  c.SendMessage('P', ParseBody("s", "SELECT generate_series(1, 2)"));
  c.SendMessage('B', BindBody("p", "s"));
  c.SendMessage('E', ExecuteBody("p", 2));
  c.SendMessage('E', ExecuteBody("p", 2));
  c.SendMessage('S', "");
  auto msgs = c.ReadUntilReady();
  EXPECT_EQ(Types(msgs), "12DDsCZ");  // as PostgreSQL: suspended, then an empty completion
  EXPECT_EQ(Tag(msgs[5]), "SELECT 0");
}

TEST_F(RawProtocolTest, NamedPortalsInterleave) {
  RawClient c(server_.port());
  c.Startup();
  c.SendMessage('Q', Cstr("BEGIN"));
  c.ReadUntilReady();
  c.SendMessage('P', ParseBody("s", "SELECT generate_series(1, 4)"));
  c.SendMessage('B', BindBody("a", "s"));
  c.SendMessage('B', BindBody("b", "s"));
  c.SendMessage('E', ExecuteBody("a", 1));
  c.SendMessage('E', ExecuteBody("b", 2));
  c.SendMessage('E', ExecuteBody("a", 1));
  c.SendMessage('S', "");
  auto msgs = c.ReadUntilReady();
  ASSERT_EQ(Types(msgs), "122DsDDsDsZ");
  EXPECT_EQ(msgs.back().body, "T");
  EXPECT_EQ(msgs[3].body, I16(1) + I32(1) + "1");
  EXPECT_EQ(msgs[8].body, I16(1) + I32(1) + "2");  // portal a continues where it stopped
  // Inside a transaction block portals survive Sync.
  c.SendMessage('E', ExecuteBody("b", 0));
  c.SendMessage('S', "");
  msgs = c.ReadUntilReady();
  EXPECT_EQ(Types(msgs), "DDCZ");
  EXPECT_EQ(Tag(msgs[2]), "SELECT 2");
}

TEST_F(RawProtocolTest, FlushSemantics) {
  RawClient c(server_.port());
  c.Startup();
  c.SendMessage('P', ParseBody("", "SELECT * FROM t"));
  c.SendMessage('B', BindBody("", ""));
  // Without Flush or Sync the server keeps its output buffered.
  EXPECT_FALSE(c.Read(300ms));
  c.SendMessage('H', "");
  auto m1 = c.Read();
  auto m2 = c.Read();
  ASSERT_TRUE(m1 && m2);
  EXPECT_EQ(m1->type, '1');
  EXPECT_EQ(m2->type, '2');
  c.SendMessage('E', ExecuteBody("", 0));
  c.SendMessage('S', "");
  EXPECT_EQ(Types(c.ReadUntilReady()), "CZ");
}

TEST_F(RawProtocolTest, ErrorSkipsToSync) {
  RawClient c(server_.port());
  c.Startup();
  c.SendMessage('P', ParseBody("", "bogus"));
  c.SendMessage('B', BindBody("", ""));
  c.SendMessage('E', ExecuteBody("", 0));
  c.SendMessage('Q', Cstr("SELECT * FROM t"));  // also skipped until Sync
  c.SendMessage('S', "");
  auto msgs = c.ReadUntilReady();
  ASSERT_EQ(Types(msgs), "EZ");
  EXPECT_EQ(msgs[0].Field('C'), "42601");
  EXPECT_EQ(msgs[0].Field('P'), "1");
  c.SendMessage('Q', Cstr("SELECT * FROM t"));
  EXPECT_EQ(Types(c.ReadUntilReady()), "TCZ");
}

TEST_F(RawProtocolTest, DescribeStatementAndPortal) {
  RawClient c(server_.port());
  c.Startup();
  c.SendMessage('P', ParseBody("q", "SELECT * FROM t WHERE id = $1"));
  c.SendMessage('D', DescribeBody('S', "q"));
  c.SendMessage('P', ParseBody("i", "INSERT INTO t VALUES ($1, $2)", {20}));
  c.SendMessage('D', DescribeBody('S', "i"));
  c.SendMessage('B', BindBody("pq", "q", {std::string("1")}, {1}));
  c.SendMessage('D', DescribeBody('P', "pq"));
  c.SendMessage('D', DescribeBody('S', "missing"));
  c.SendMessage('S', "");
  auto msgs = c.ReadUntilReady();
  ASSERT_EQ(Types(msgs), "1tT1tn2TEZ");
  EXPECT_EQ(msgs[1].body, I16(1) + I32(23));
  EXPECT_EQ(msgs[4].body, I16(2) + I32(20) + I32(1043));  // declared int8, inferred varchar
  // The portal's RowDescription carries the binary format asked for at Bind.
  const std::string& desc = msgs[7].body;
  EXPECT_EQ(desc.substr(desc.size() - 2), I16(1));
  EXPECT_EQ(msgs[8].Field('C'), "26000");
}

TEST_F(RawProtocolTest, StatementAndPortalLifetimes) {
  RawClient c(server_.port());
  c.Startup();
  c.SendMessage('Q', Cstr("BEGIN"));
  c.ReadUntilReady();
  c.SendMessage('P', ParseBody("s", "SELECT generate_series(1, 3)"));
  c.SendMessage('P', ParseBody("s", "SELECT generate_series(1, 3)"));  // duplicate
  c.SendMessage('S', "");
  auto msgs = c.ReadUntilReady();
  ASSERT_EQ(Types(msgs), "1EZ");
  EXPECT_EQ(msgs[1].Field('C'), "42P05");
  c.SendMessage('B', BindBody("p", "s"));
  c.SendMessage('B', BindBody("p", "s"));  // duplicate portal
  c.SendMessage('S', "");
  msgs = c.ReadUntilReady();
  ASSERT_EQ(Types(msgs), "2EZ");
  EXPECT_EQ(msgs[1].Field('C'), "42P03");
  // Closing the statement closes its portal; closing what does not exist is fine.
  c.SendMessage('C', DescribeBody('S', "s"));
  c.SendMessage('C', DescribeBody('P', "nothing"));
  c.SendMessage('E', ExecuteBody("p", 0));
  c.SendMessage('S', "");
  msgs = c.ReadUntilReady();
  ASSERT_EQ(Types(msgs), "33EZ");
  EXPECT_EQ(msgs[2].Field('C'), "34000");
  // The name is free again.
  c.SendMessage('P', ParseBody("s", "SELECT * FROM t"));
  c.SendMessage('S', "");
  EXPECT_EQ(Types(c.ReadUntilReady()), "1Z");
}

TEST_F(RawProtocolTest, BindMismatchesAreErrorsNotFatal) {
  RawClient c(server_.port());
  c.Startup();
  c.SendMessage('P', ParseBody("s", "SELECT * FROM t WHERE id = $1"));
  c.SendMessage('B', BindBody("", "s", {}));  // 0 params for 1
  c.SendMessage('S', "");
  auto msgs = c.ReadUntilReady();
  ASSERT_EQ(Types(msgs), "1EZ");
  EXPECT_EQ(msgs[1].Field('C'), "08P01");
  EXPECT_EQ(msgs[1].Field('S'), "ERROR");
  c.SendMessage('B', BindBody("", "s", {std::string("1")}, {0, 1, 0}));  // 3 formats, 2 columns
  c.SendMessage('S', "");
  msgs = c.ReadUntilReady();
  ASSERT_EQ(Types(msgs), "EZ");
  EXPECT_EQ(msgs[0].Field('C'), "08P01");
  c.SendMessage('B', BindBody("", "s", {std::string("1")}, {7}));  // bad format code
  c.SendMessage('S', "");
  msgs = c.ReadUntilReady();
  EXPECT_EQ(msgs[0].Field('C'), "22023");
  c.SendMessage('Q', Cstr("SELECT * FROM t"));
  EXPECT_EQ(Types(c.ReadUntilReady()), "TCZ");
}

TEST_F(RawProtocolTest, CopyInExtendedProtocolWithSkippedData) {
  RawClient c(server_.port());
  c.Startup();
  c.SendMessage('P', ParseBody("", "COPY t FROM STDIN"));
  c.SendMessage('B', BindBody("", ""));
  c.SendMessage('E', ExecuteBody("", 0));
  c.SendMessage('H', "");
  auto msgs = std::vector<RawMessage>{*c.Read(), *c.Read(), *c.Read()};
  ASSERT_EQ(Types(msgs), "12G");
  EXPECT_EQ(msgs[2].body, std::string(1, '\0') + I16(2) + I16(0) + I16(0));
  c.SendMessage('d', "1\tone\n2\t");
  c.SendMessage('d', "two\n");
  c.SendMessage('c', "");
  c.SendMessage('S', "");
  msgs = c.ReadUntilReady();
  ASSERT_EQ(Types(msgs), "CZ");
  EXPECT_EQ(Tag(msgs[0]), "COPY 2");
  // A bad row: the error comes at once, and the rest of the data is skipped until Sync.
  c.SendMessage('P', ParseBody("", "COPY t FROM STDIN"));
  c.SendMessage('B', BindBody("", ""));
  c.SendMessage('E', ExecuteBody("", 0));
  c.SendMessage('d', "3\tthree\textra\n");
  c.SendMessage('d', "4\tfour\n");
  c.SendMessage('c', "");
  c.SendMessage('S', "");
  msgs = c.ReadUntilReady();
  ASSERT_EQ(Types(msgs), "12GEZ");
  EXPECT_EQ(msgs[3].Field('C'), "22P04");
  EXPECT_EQ(msgs[3].Field('W'), "COPY t, line 1");
  EXPECT_EQ(server_.backend().table_size(), 2u);
}

TEST_F(RawProtocolTest, UnexpectedMessageDuringCopy) {
  RawClient c(server_.port());
  c.Startup();
  c.SendMessage('Q', Cstr("COPY t FROM STDIN"));
  ASSERT_EQ(c.Read()->type, 'G');
  c.SendMessage('d', "1\tx\n");
  c.SendMessage('Q', Cstr("SELECT * FROM t"));
  auto msgs = c.ReadUntilReady();
  ASSERT_EQ(Types(msgs), "EZ");
  EXPECT_EQ(msgs[0].Field('C'), "08P01");
  EXPECT_EQ(server_.backend().table_size(), 0u);
  EXPECT_EQ(server_.backend().shared().copy_aborts.load(), 1);
}

TEST_F(RawProtocolTest, CancelRequest) {
  RawClient c(server_.port());
  c.Startup();
  c.SendMessage('Q', Cstr("SELECT pg_sleep(30)"));
  std::this_thread::sleep_for(150ms);
  {
    RawClient wrong(server_.port());  // a wrong key cancels nothing
    wrong.Send(I32(16) + I32(80877102) + I32(c.pid()) + I32(c.key() ^ 1));
    EXPECT_TRUE(wrong.WaitClosed());
  }
  EXPECT_FALSE(c.Read(200ms));
  // Repeated in case the statement had not started yet when one arrived.
  std::optional<RawMessage> first;
  for (int i = 0; i < 50 && !first; ++i) {
    RawClient cancel(server_.port());
    cancel.Send(I32(16) + I32(80877102) + I32(c.pid()) + I32(c.key()));
    EXPECT_TRUE(cancel.WaitClosed());
    EXPECT_TRUE(cancel.pending().empty());  // no reply to a cancel request
    first = c.Read(100ms);
  }
  ASSERT_TRUE(first);
  EXPECT_EQ(first->type, 'T');
  auto msgs = c.ReadUntilReady();
  ASSERT_EQ(Types(msgs), "EZ");
  EXPECT_EQ(msgs[0].Field('C'), "57014");
  EXPECT_EQ(msgs[0].Field('M'), "canceling statement due to user request");
}

TEST_F(RawProtocolTest, MalformedMessagesCloseTheConnection) {
  struct Case {
    const char* name;
    std::string bytes;
  };
  std::vector<Case> cases = {
      {"length below 4", std::string("Q") + I32(3)},
      {"unknown type", std::string("\x01") + I32(4)},
      {"oversized Sync", std::string("S") + I32(100000)},
      {"oversized Query", std::string("Q") + I32(0x7fffffff)},
      {"Query without terminator", std::string("Q") + I32(7) + "abc"},
      {"truncated Bind",
       std::string("B") + I32(4 + 3) + Cstr("") + Cstr("") + std::string(1, '\0')},
      {"Bind with a lying parameter length", std::string("B") + I32(4 + 1 + 1 + 2 + 2 + 4 + 2) +
                                                 Cstr("") + Cstr("") + I16(0) + I16(1) + I32(1000) +
                                                 I16(0)},
      {"Describe of a bad kind", std::string("D") + I32(4 + 2) + "X" + Cstr("")},
      {"Execute with trailing bytes",
       std::string("E") + I32(4 + 1 + 4 + 3) + Cstr("") + I32(0) + "xyz"},
      {"Close without name", std::string("C") + I32(5) + "S"},
  };
  for (const auto& tc : cases) {
    RawClient c(server_.port());
    c.Startup();
    c.Send(tc.bytes);
    auto m = c.Read();
    ASSERT_TRUE(m) << tc.name;
    EXPECT_EQ(m->type, 'E') << tc.name;
    EXPECT_EQ(m->Field('S'), "FATAL") << tc.name;
    EXPECT_EQ(m->Field('C'), "08P01") << tc.name;
    EXPECT_TRUE(c.WaitClosed()) << tc.name;
  }
  // The server is still fine.
  RawClient c(server_.port());
  c.Startup();
  c.SendMessage('Q', Cstr("SELECT * FROM t"));
  EXPECT_EQ(Types(c.ReadUntilReady()), "TCZ");
}

TEST_F(RawProtocolTest, LargeMessageLimitIsConfigurable) {
  ServerOptions options;
  options.max_message_bytes = 1000;
  TestServer server(options);
  RawClient c(server.port());
  c.Startup();
  c.SendMessage('Q', Cstr("SELECT * FROM t " + std::string(2000, ' ')));
  auto m = c.Read();
  ASSERT_TRUE(m);
  EXPECT_EQ(m->Field('C'), "08P01");
  EXPECT_NE(m->Field('M').find("too large"), std::string::npos);
  EXPECT_TRUE(c.WaitClosed());
}

TEST_F(RawProtocolTest, LargeQueryAcrossManyReads) {
  RawClient c(server_.port());
  c.Startup();
  // 1 MB of trailing spaces: assembled from many socket reads.
  c.SendMessage('Q', Cstr("SELECT * FROM t" + std::string(1 << 20, ' ')));
  EXPECT_EQ(Types(c.ReadUntilReady()), "TCZ");
}

TEST_F(RawProtocolTest, TooManyConnections) {
  ServerOptions options;
  options.max_connections = 2;
  TestServer server(options);
  RawClient a(server.port()), b(server.port()), c(server.port());
  EXPECT_EQ(Types(a.Startup()).back(), 'Z');
  EXPECT_EQ(Types(b.Startup()).back(), 'Z');
  c.Send(RawClient::StartupPacket({{"user", "root"}}));
  auto m = c.Read();
  ASSERT_TRUE(m);
  EXPECT_EQ(m->Field('C'), "53300");
  EXPECT_TRUE(c.WaitClosed());
  // A slot frees up when a client leaves.
  a.SendMessage('X', "");
  EXPECT_TRUE(a.WaitClosed());
  bool admitted = false;
  for (int i = 0; i < 100 && !admitted; ++i) {
    RawClient d(server.port());
    admitted = !Types(d.Startup()).empty() && d.pid() != 0;
    if (!admitted) std::this_thread::sleep_for(10ms);
  }
  EXPECT_TRUE(admitted);
}

TEST(RawShutdown, EveryClientGetsFatal57P01) {
  TestServer server;
  RawClient idle(server.port()), busy(server.port()), streaming(server.port()),
      copying(server.port());
  idle.Startup();
  busy.Startup();
  streaming.Startup();
  copying.Startup();
  busy.SendMessage('Q', Cstr("SELECT pg_sleep(30)"));
  // A client that does not read: the server blocks writing rows until the shutdown.
  streaming.SendMessage('Q', Cstr("SELECT generate_series(1, 100000000)"));
  copying.SendMessage('Q', Cstr("COPY t FROM STDIN"));
  ASSERT_EQ(copying.Read()->type, 'G');
  copying.SendMessage('d', "1\tx\n");
  std::this_thread::sleep_for(200ms);
  auto start = std::chrono::steady_clock::now();
  server.server().Shutdown();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  for (RawClient* c : {&idle, &busy, &copying}) {
    auto msgs = c->ReadUntilReady();
    ASSERT_FALSE(msgs.empty());
    const RawMessage& last = msgs.back();
    EXPECT_EQ(last.type, 'E');
    EXPECT_EQ(last.Field('S'), "FATAL");
    EXPECT_EQ(last.Field('C'), "57P01");
    EXPECT_EQ(last.Field('M'), "terminating connection due to administrator command");
    EXPECT_TRUE(c->WaitClosed());
  }
  EXPECT_TRUE(streaming.WaitClosed(10s));
  EXPECT_EQ(server.backend().table_size(), 0u);  // the interrupted COPY committed nothing
  EXPECT_EQ(server.backend().shared().sessions_alive.load(), 0);
}

TEST_F(RawProtocolTest, TerminateClosesCleanly) {
  RawClient c(server_.port());
  c.Startup();
  c.SendMessage('X', "");
  EXPECT_TRUE(c.WaitClosed());
  EXPECT_TRUE(c.pending().empty());
}

TEST_F(RawProtocolTest, FiftyThousandRowsInOneQuery) {
  RawClient c(server_.port());
  c.Startup();
  c.SendMessage('Q', Cstr("SELECT generate_series(1, 50000)"));
  auto msgs = c.ReadUntilReady(10s);
  ASSERT_EQ(msgs.size(), 50003u);
  EXPECT_EQ(Tag(msgs[50001]), "SELECT 50000");
}

}  // namespace
}  // namespace dynasink::pgwire::testing
