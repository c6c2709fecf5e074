// A pgwire Server on an ephemeral 127.0.0.1 port over the FakeBackend, plus libpq helpers.
#pragma once

#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <memory>
#include <string>

#include "pgwire/server.h"
#include "unit/pgwire/fake_backend.h"

namespace dynasink::pgwire::testing {

class TestServer {
 public:
  explicit TestServer(ServerOptions options = {}) : backend_(std::make_shared<FakeBackend>()) {
    options.host = "127.0.0.1";
    options.port = 0;
    server_ = std::make_unique<Server>(options, backend_);
    Status s = server_->Start();
    EXPECT_TRUE(s.ok()) << s.ToString();
  }
  ~TestServer() { server_->Shutdown(); }

  uint16_t port() const { return server_->port(); }
  Server& server() { return *server_; }
  FakeBackend& backend() { return *backend_; }

  std::string ConnInfo(const std::string& extra = "") const {
    return "host=127.0.0.1 port=" + std::to_string(port()) +
           " dbname=dev user=root connect_timeout=10 " + extra;
  }

 private:
  std::shared_ptr<FakeBackend> backend_;
  std::unique_ptr<Server> server_;
};

struct PGconnDeleter {
  void operator()(PGconn* c) const { PQfinish(c); }
};
struct PGresultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using Conn = std::unique_ptr<PGconn, PGconnDeleter>;
using PgResult = std::unique_ptr<PGresult, PGresultDeleter>;

inline Conn Connect(const std::string& conninfo) {
  Conn c(PQconnectdb(conninfo.c_str()));
  return c;
}

inline std::string ErrorField(const PGresult* r, int field) {
  const char* v = PQresultErrorField(r, field);
  return v ? v : "";
}

}  // namespace dynasink::pgwire::testing
