// A test suite whose tests share one `dynasink serve`, started before the suite's first test
// and stopped after its last (tests that create what they use under their own names).
//
//   class MyTest : public SharedServerTest {
//     void SetUp() override {
//       RequireServer();
//       if (IsSkipped() || HasFatalFailure()) return;
//       ...
//     }
//   };
#pragma once

#include <gtest/gtest.h>

#include <iostream>
#include <memory>
#include <string>

#include "support/dynasink_server.h"

namespace dynasink::test {

class SharedServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto started = DynasinkServer::Start();
    if (started.ok()) {
      server_ = std::move(started).value();
    } else {
      start_error_ = started.status().message();
    }
  }
  static void TearDownTestSuite() {
    if (server_) {
      Status s = server_->Stop();
      EXPECT_TRUE(s.ok()) << s.message();
    }
    server_.reset();
    start_error_.clear();
  }

  // Fails the test unless the server runs; skips it when the binary is not built (there is
  // nothing to test yet), since any other start failure is a failure.
  void RequireServer() {
    if (server_ != nullptr) return;
    if (start_error_.find("binary was not found") != std::string::npos) {
      GTEST_SKIP() << start_error_;
    }
    FAIL() << "cannot start dynasink: " << start_error_;
  }

  // The end of the server's log, after a failed test.
  void TearDown() override {
    if (HasFailure() && server_) {
      std::cerr << "---- dynasink log, last part ----\n" << server_->LogTail() << "\n";
    }
  }

  inline static std::unique_ptr<DynasinkServer> server_;
  inline static std::string start_error_;
};

}  // namespace dynasink::test
