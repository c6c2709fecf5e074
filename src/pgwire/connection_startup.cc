// Startup phase of a connection: SSL/GSS refusal, cancel requests, the startup packet,
// authentication, session creation and the initial ParameterStatus messages.
#include <algorithm>
#include <cctype>

#include "common/logging.h"
#include "pgwire/connection.h"
#include "pgwire/crypto.h"
#include "pgwire/scram.h"
#include "pgwire/server.h"
#include "pgwire/wire_buffer.h"

namespace dynasink::pgwire::internal {
namespace {

constexpr int32_t kProtocol3 = 3 << 16;
constexpr int32_t kCancelRequestCode = 80877102;
constexpr int32_t kSslRequestCode = 80877103;
constexpr int32_t kGssEncRequestCode = 80877104;
constexpr size_t kMaxAuthMessageBytes = 65535;  // PostgreSQL's PG_MAX_AUTH_TOKEN_LENGTH

constexpr int32_t kAuthOk = 0;
constexpr int32_t kAuthMd5 = 5;
constexpr int32_t kAuthSasl = 10;
constexpr int32_t kAuthSaslContinue = 11;
constexpr int32_t kAuthSaslFinal = 12;

// Splits the `options` startup parameter as PostgreSQL does (whitespace separates, a backslash
// escapes the next character) and extracts "-c name=value", "-cname=value", "--name=value".
void ParseOptions(std::string_view options, std::vector<std::pair<std::string, std::string>>* out) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  for (size_t i = 0; i < options.size(); ++i) {
    char c = options[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      if (in_word) words.push_back(std::move(word));
      word.clear();
      in_word = false;
      continue;
    }
    if (c == '\\' && i + 1 < options.size()) c = options[++i];
    word.push_back(c);
    in_word = true;
  }
  if (in_word) words.push_back(std::move(word));
  auto add = [&](std::string_view setting) {
    size_t eq = setting.find('=');
    if (eq == std::string_view::npos || eq == 0) return;
    std::string name(setting.substr(0, eq));
    std::replace(name.begin(), name.end(), '-', '_');
    out->emplace_back(std::move(name), std::string(setting.substr(eq + 1)));
  };
  for (size_t i = 0; i < words.size(); ++i) {
    std::string_view w = words[i];
    if (w == "-c" && i + 1 < words.size()) {
      add(words[++i]);
    } else if (w.starts_with("-c")) {
      add(w.substr(2));
    } else if (w.starts_with("--")) {
      add(w.substr(2));
    }
  }
}

std::string NormalizeEncoding(std::string_view name) {
  std::string n;
  for (char c : name) {
    if (c != '-' && c != '_')
      n.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  if (n == "UTF8" || n == "UNICODE") return "UTF8";
  return std::string(name);
}

}  // namespace

bool Connection::ReadStartup(StartupInfo* info) {
  const ServerOptions& opts = server_->options();
  // At most one SSLRequest and one GSSENCRequest may precede the startup packet.
  for (int attempt = 0; attempt < 3; ++attempt) {
    auto packet = transport_.ReadStartupPacket(opts.max_startup_packet_bytes);
    if (!packet.ok()) {
      if (packet.status().sqlstate() == "08P01") {
        DS_LOG_INFO("pgwire", "{}: {}", peer_, packet.status().message());
        Fatal(packet.status());
      }
      return false;
    }
    MessageReader r(*packet);
    int32_t code = r.Int32().value();  // the packet holds at least 4 bytes
    if (code == kSslRequestCode || code == kGssEncRequestCode) {
      if (r.remaining() != 0 || attempt == 2) {
        Fatal(Status::Sql("08P01", "invalid length of startup packet"));
        return false;
      }
      // Bytes pipelined after the request would be taken as encrypted by the client.
      if (transport_.HasBufferedInput()) {
        Fatal(Status::Sql("08P01",
                          code == kSslRequestCode
                              ? "received unencrypted data after SSL request"
                              : "received unencrypted data after GSSAPI encryption request"));
        return false;
      }
      if (!Io(transport_.WriteByteNow('N')).ok()) return false;
      continue;
    }
    if (code == kCancelRequestCode) {
      auto pid = r.Int32();
      auto key = r.Int32();
      if (!pid.ok() || !key.ok() || r.remaining() != 0) {
        DS_LOG_INFO("pgwire", "{}: invalid length of cancel request packet", peer_);
        return false;
      }
      server_->CancelBackend(*pid, *key);
      return false;
    }
    int major = static_cast<uint32_t>(code) >> 16;
    int minor = code & 0xffff;
    if (major != 3) {
      Fatal(Status::Sql("0A000", "unsupported frontend protocol " + std::to_string(major) + "." +
                                     std::to_string(minor) + ": server supports 3.0 to 3.0"));
      return false;
    }
    std::vector<std::string> unrecognized;
    bool have_user = false, have_database = false;
    while (true) {
      auto name = r.CString();
      if (!name.ok()) {
        Fatal(Status::Sql("08P01",
                          "invalid startup packet layout: expected terminator as last byte"));
        return false;
      }
      if (name->empty()) break;
      auto value = r.CString();
      if (!value.ok()) {
        Fatal(Status::Sql("08P01",
                          "invalid startup packet layout: expected terminator as last byte"));
        return false;
      }
      if (*name == "user") {
        info->user = std::string(*value);
        have_user = true;
      } else if (*name == "database") {
        info->database = std::string(*value);
        have_database = true;
      } else if (name->starts_with("_pq_.")) {
        unrecognized.emplace_back(*name);  // no protocol extensions are supported
      } else {
        if (*name == "application_name") info->application_name = std::string(*value);
        info->parameters.emplace_back(std::string(*name), std::string(*value));
        if (*name == "options") ParseOptions(*value, &info->parameters);
      }
    }
    if (r.remaining() != 0) {
      Fatal(
          Status::Sql("08P01", "invalid startup packet layout: expected terminator as last byte"));
      return false;
    }
    if (!have_user || info->user.empty()) {
      Fatal(Status::Sql("28000", "no PostgreSQL user name specified in startup packet"));
      return false;
    }
    if (!have_database || info->database.empty()) info->database = info->user;
    if (minor > 0 || !unrecognized.empty()) {
      MessageWriter& out = transport_.out();
      out.Begin('v');  // NegotiateProtocolVersion
      out.Int32(kProtocol3);
      out.Int32(static_cast<int32_t>(unrecognized.size()));
      for (const auto& u : unrecognized)
        out.CString(u);
      out.End();
    }
    return true;
  }
  return false;
}

bool Connection::Startup() {
  StartupInfo info;
  if (!ReadStartup(&info)) return false;

  if (server_->shutting_down()) {
    Fatal(Status::Sql("57P03", "the database system is shutting down"));
    return false;
  }
  if (!server_->AcquireSlot()) {
    Fatal(Status::Sql("53300", "sorry, too many clients already"));
    return false;
  }
  holds_slot_ = true;
  user_ = info.user;
  if (!Authenticate(info.user)) return false;

  MessageWriter& out = transport_.out();
  out.Begin('R');
  out.Int32(kAuthOk);
  out.End();

  info.remote_address = peer_;
  info.process_id = process_id_;
  auto session = server_->backend().CreateSession(info, this);
  if (!session.ok()) {
    Fatal(session.status());
    return false;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    session_ = std::move(*session);
  }
  SendStartupParameters(info);
  out.Begin('K');  // BackendKeyData
  out.Int32(process_id_);
  out.Int32(secret_key_);
  out.End();
  SendReadyForQuery();
  DS_LOG_DEBUG("pgwire", "{}: connection {} authorized: user={} database={}", peer_, process_id_,
               info.user, info.database);
  return Flush().ok();
}

void Connection::SendStartupParameters(const StartupInfo& info) {
  std::string client_encoding = "UTF8";
  for (const auto& [name, value] : info.parameters) {
    if (name == "client_encoding") client_encoding = NormalizeEncoding(value);
  }
  std::vector<std::pair<std::string, std::string>> params = {
      {"server_version", server_->options().server_version},
      {"server_encoding", "UTF8"},
      {"client_encoding", client_encoding},
      {"DateStyle", "ISO, MDY"},
      {"IntervalStyle", "postgres"},
      {"TimeZone", "UTC"},
      {"integer_datetimes", "on"},
      {"standard_conforming_strings", "on"},
      {"is_superuser", "on"},
      {"session_authorization", info.user},
      {"application_name", info.application_name},
  };
  for (auto& [name, value] : session_->InitialParameters()) {
    auto it =
        std::find_if(params.begin(), params.end(), [&](const auto& p) { return p.first == name; });
    if (it != params.end()) {
      it->second = std::move(value);
    } else {
      params.emplace_back(std::move(name), std::move(value));
    }
  }
  for (const auto& [name, value] : params)
    ParameterChanged(name, value);
}

Result<std::string_view> Connection::ReadPasswordMessage() {
  if (!Flush().ok()) return Status::Unavailable("connection lost");
  auto msg = transport_.ReadMessage([](char) { return kMaxAuthMessageBytes; });
  if (!msg.ok()) {
    // A client without a password hangs up here (libpq asks the user, psql -w gives up).
    if (msg.status().sqlstate() == "08P01") Fatal(msg.status());
    dead_ = true;
    return msg.status();
  }
  if (msg->type != 'p') {
    Status s = Status::Sql("08P01", "expected password response, got message type " +
                                        std::to_string(static_cast<unsigned char>(msg->type)));
    Fatal(s);
    return s;
  }
  return msg->body;
}

bool Connection::Authenticate(const std::string& user) {
  const ServerOptions& opts = server_->options();
  if (opts.auth_method == AuthMethod::kTrust) return true;
  const UserCredential* cred = opts.users ? opts.users->Find(user) : nullptr;
  bool use_scram = opts.auth_method == AuthMethod::kScramSha256;
  // PostgreSQL's md5 method switches to SCRAM for a user who has only a SCRAM secret.
  if (opts.auth_method == AuthMethod::kMd5 && cred && cred->md5_hash.empty() && cred->scram)
    use_scram = true;
  if (use_scram) return AuthenticateScram(user, cred && cred->scram ? &*cred->scram : nullptr);
  return AuthenticateMd5(user, cred ? cred->md5_hash : std::string());
}

bool Connection::AuthenticateMd5(const std::string& user, const std::string& md5_hash) {
  std::string salt = crypto::RandomBytes(4);
  MessageWriter& out = transport_.out();
  out.Begin('R');
  out.Int32(kAuthMd5);
  out.Bytes(salt);
  out.End();
  auto body = ReadPasswordMessage();
  if (!body.ok()) return false;
  MessageReader r(*body);
  auto response = r.CString();
  if (!response.ok() || r.remaining() != 0) {
    Fatal(Status::Sql("08P01", "invalid password packet size"));
    return false;
  }
  bool ok = !md5_hash.empty() &&
            crypto::ConstantTimeEquals(*response, Md5ExpectedResponse(md5_hash, salt));
  if (!ok) {
    DS_LOG_INFO("pgwire", "{}: password authentication failed for user \"{}\" (md5)", peer_, user);
    Fatal(Status::Sql("28P01", "password authentication failed for user \"" + user + "\""));
    return false;
  }
  return true;
}

bool Connection::AuthenticateScram(const std::string& user, const ScramSecret* secret) {
  ScramServer scram(secret ? *secret : MockScramSecret(user), secret == nullptr);
  MessageWriter& out = transport_.out();
  out.Begin('R');
  out.Int32(kAuthSasl);
  out.CString(kScramMechanism);
  out.Byte('\0');
  out.End();

  auto initial = ReadPasswordMessage();
  if (!initial.ok()) return false;
  MessageReader r(*initial);
  auto mechanism = r.CString();
  auto len = r.Int32();
  if (!mechanism.ok() || !len.ok()) {
    Fatal(Status::Sql("08P01", "invalid SASL initial response"));
    return false;
  }
  if (*mechanism != kScramMechanism) {
    Fatal(Status::Sql("08P01", "client selected an invalid SASL authentication mechanism"));
    return false;
  }
  std::string_view data = r.Rest();
  if (*len < 0 || static_cast<size_t>(*len) != data.size()) {
    Fatal(Status::Sql("08P01", "invalid SASL initial response"));
    return false;
  }
  auto server_first = scram.HandleClientFirst(data);
  if (!server_first.ok()) {
    Fatal(server_first.status());
    return false;
  }
  out.Begin('R');
  out.Int32(kAuthSaslContinue);
  out.Bytes(*server_first);
  out.End();

  auto final_msg = ReadPasswordMessage();
  if (!final_msg.ok()) return false;
  auto server_final = scram.HandleClientFinal(*final_msg);
  if (!server_final.ok()) {
    if (server_final.status().code() == StatusCode::kPermissionDenied) {
      DS_LOG_INFO("pgwire", "{}: password authentication failed for user \"{}\" (scram)", peer_,
                  user);
      Fatal(Status::Sql("28P01", "password authentication failed for user \"" + user + "\""));
    } else {
      Fatal(server_final.status());
    }
    return false;
  }
  out.Begin('R');
  out.Int32(kAuthSaslFinal);
  out.Bytes(*server_final);
  out.End();
  return true;
}

}  // namespace dynasink::pgwire::internal
