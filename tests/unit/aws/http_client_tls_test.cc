// HttpClient over TLS: verification is on by default, a CA file can vouch for a private
// certificate, and verification can be turned off. The server is Python's http.server wrapped in
// TLS on 127.0.0.1, with a throw-away self-signed certificate made by the openssl tool.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "aws/http_client.h"
#include "aws/subprocess.h"

extern char** environ;

namespace dynasink::aws {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

constexpr const char* kServer = R"(
import http.server, ssl, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = b"tls ok"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
srv = http.server.HTTPServer(("127.0.0.1", 0), H)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(sys.argv[1], sys.argv[2])
srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
print(srv.server_address[1], flush=True)
srv.serve_forever()
)";

// A TLS server process for the life of the test, stopped by its pid.
class TlsServer {
 public:
  TlsServer() {
    char pattern[] = "/tmp/dynasink-tls-XXXXXX";
    dir_ = ::mkdtemp(pattern);
    cert_ = (dir_ / "cert.pem").string();
    std::string key = (dir_ / "key.pem").string();
    auto made = RunShellCommand(
        "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 "
        "-addext subjectAltName=IP:127.0.0.1 -keyout '" +
            key + "' -out '" + cert_ + "'",
        60s);
    if (!made.ok() || made->exit_code != 0) {
      error_ = "openssl could not make a certificate: " + (made.ok() ? made->err : "");
      return;
    }
    std::ofstream((dir_ / "server.py").string()) << kServer;
    int out[2];
    if (::pipe2(out, O_CLOEXEC) != 0) std::abort();
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    std::string script = (dir_ / "server.py").string();
    const char* argv[] = {"/usr/bin/python3", script.c_str(), cert_.c_str(), key.c_str(), nullptr};
    int rc =
        ::posix_spawn(&pid_, argv[0], &actions, nullptr, const_cast<char* const*>(argv), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(out[1]);
    if (rc != 0) {
      ::close(out[0]);
      error_ = "cannot start /usr/bin/python3";
      pid_ = -1;
      return;
    }
    // The first line is the port; give the interpreter ten seconds.
    std::string line;
    pollfd fd = {out[0], POLLIN, 0};
    while (line.find('\n') == std::string::npos && ::poll(&fd, 1, 10000) > 0) {
      char buf[64];
      ssize_t n = ::read(out[0], buf, sizeof(buf));
      if (n <= 0) break;
      line.append(buf, static_cast<size_t>(n));
    }
    ::close(out[0]);
    port_ = std::atoi(line.c_str());
    if (port_ <= 0) error_ = "the TLS server did not report its port";
  }
  ~TlsServer() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      ::waitpid(pid_, nullptr, 0);
    }
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  const std::string& error() const { return error_; }
  std::string url() const { return "https://127.0.0.1:" + std::to_string(port_) + "/"; }
  const std::string& cert() const { return cert_; }

 private:
  fs::path dir_;
  std::string cert_;
  std::string error_;
  pid_t pid_ = -1;
  int port_ = 0;
};

HttpRequest Get(const std::string& url) {
  HttpRequest r;
  r.url = url;
  return r;
}

TEST(HttpClientTlsTest, VerificationIsOnByDefault) {
  TlsServer server;
  ASSERT_TRUE(server.error().empty()) << server.error();

  auto strict = HttpClient::Create();
  auto refused = strict->SendSync(Get(server.url()));
  ASSERT_FALSE(refused.ok());
  EXPECT_TRUE(refused.status().IsUnavailable()) << refused.status().ToString();
  EXPECT_NE(refused.status().message().find("127.0.0.1"), std::string::npos);

  HttpClientOptions with_ca;
  with_ca.ca_file = server.cert();
  auto trusted = HttpClient::Create(with_ca)->SendSync(Get(server.url()));
  ASSERT_TRUE(trusted.ok()) << trusted.status().ToString();
  EXPECT_EQ(trusted->status, 200);
  EXPECT_EQ(trusted->body, "tls ok");

  HttpClientOptions insecure;
  insecure.verify_tls = false;
  auto unverified = HttpClient::Create(insecure)->SendSync(Get(server.url()));
  ASSERT_TRUE(unverified.ok()) << unverified.status().ToString();
  EXPECT_EQ(unverified->body, "tls ok");
}

}  // namespace
}  // namespace dynasink::aws
