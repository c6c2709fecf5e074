#include "pgwire/scram.h"

#include "pgwire/crypto.h"

namespace dynasink::pgwire {
namespace {

Status Malformed(std::string_view detail) {
  return Status::Sql("08P01", "malformed SCRAM message\nDETAIL: " + std::string(detail));
}

// Reads "<attr>=<value>" up to the next ',' (or the end) and advances `in` past the comma.
Result<std::string_view> ReadAttribute(std::string_view* in, char attr) {
  if (in->size() < 2 || (*in)[0] != attr || (*in)[1] != '=') {
    return Malformed(std::string("expected attribute \"") + attr + "\"");
  }
  size_t comma = in->find(',');
  std::string_view value =
      in->substr(2, comma == std::string_view::npos ? std::string_view::npos : comma - 2);
  *in = comma == std::string_view::npos ? std::string_view() : in->substr(comma + 1);
  return value;
}

bool IsPrintableNonce(std::string_view nonce) {
  if (nonce.empty()) return false;
  for (char c : nonce) {
    if (c < 0x21 || c > 0x7e || c == ',') return false;
  }
  return true;
}

}  // namespace

ScramSecret MockScramSecret(std::string_view user) {
  static const std::string kKey = crypto::RandomBytes(32);
  ScramSecret secret;
  secret.iterations = UserStore::kDefaultScramIterations;
  secret.salt = crypto::HmacSha256(kKey, user).substr(0, 16);
  secret.stored_key = crypto::RandomBytes(32);
  secret.server_key = crypto::RandomBytes(32);
  return secret;
}

ScramServer::ScramServer(ScramSecret secret, bool mock, std::string server_nonce)
    : secret_(std::move(secret)), mock_(mock), server_nonce_(std::move(server_nonce)) {
  if (server_nonce_.empty()) server_nonce_ = crypto::Base64Encode(crypto::RandomBytes(18));
}

Result<std::string> ScramServer::HandleClientFirst(std::string_view msg) {
  if (first_done_) return Malformed("client-first-message sent twice");
  // gs2-header: cbind-flag "," [authzid] ","
  if (msg.empty()) return Malformed("empty client-first-message");
  if (msg[0] == 'p') {
    return Malformed(
        "The client selected SCRAM-SHA-256-PLUS (channel binding), which this server does not "
        "offer.");
  }
  if ((msg[0] != 'n' && msg[0] != 'y') || msg.size() < 2 || msg[1] != ',') {
    return Malformed("unexpected channel-binding flag");
  }
  std::string_view rest = msg.substr(2);
  if (rest.starts_with("a=")) {
    return Status::Sql("0A000", "client uses authorization identity, but it is not supported");
  }
  if (rest.empty() || rest[0] != ',')
    return Malformed("expected ',' after the channel-binding flag");
  gs2_header_ = std::string(msg.substr(0, 3));
  rest.remove_prefix(1);
  client_first_bare_ = std::string(rest);

  if (rest.starts_with("m=")) {
    return Status::Sql("0A000", "SCRAM mandatory extensions are not supported");
  }
  DS_ASSIGN_OR_RETURN(std::string_view user, ReadAttribute(&rest, 'n'));
  (void)user;  // the startup packet's user is authoritative, as in PostgreSQL
  DS_ASSIGN_OR_RETURN(std::string_view client_nonce, ReadAttribute(&rest, 'r'));
  if (!IsPrintableNonce(client_nonce)) return Malformed("invalid client nonce");
  // Optional extensions after the nonce are ignored, as RFC 5802 allows.

  nonce_ = std::string(client_nonce) + server_nonce_;
  server_first_ = "r=" + nonce_ + ",s=" + crypto::Base64Encode(secret_.salt) +
                  ",i=" + std::to_string(secret_.iterations);
  first_done_ = true;
  return server_first_;
}

Result<std::string> ScramServer::HandleClientFinal(std::string_view msg) {
  if (!first_done_) return Malformed("client-final-message before client-first-message");
  size_t proof_at = msg.rfind(",p=");
  if (proof_at == std::string_view::npos) return Malformed("missing proof");
  std::string_view without_proof = msg.substr(0, proof_at);
  std::string_view proof_b64 = msg.substr(proof_at + 3);

  std::string_view rest = without_proof;
  DS_ASSIGN_OR_RETURN(std::string_view cbind_b64, ReadAttribute(&rest, 'c'));
  auto cbind = crypto::Base64Decode(cbind_b64);
  if (!cbind.ok()) return Malformed("invalid base64 in channel-binding data");
  if (*cbind != gs2_header_) return Malformed("channel-binding data does not match the header");
  DS_ASSIGN_OR_RETURN(std::string_view nonce, ReadAttribute(&rest, 'r'));
  if (nonce != nonce_) return Malformed("nonce does not match");

  auto proof = crypto::Base64Decode(proof_b64);
  if (!proof.ok() || proof->size() != 32) return Malformed("invalid client proof");

  std::string auth_message = client_first_bare_;
  auth_message += ',';
  auth_message += server_first_;
  auth_message += ',';
  auth_message.append(without_proof);

  std::string client_signature = crypto::HmacSha256(secret_.stored_key, auth_message);
  std::string client_key(32, '\0');
  for (size_t i = 0; i < 32; ++i)
    client_key[i] = static_cast<char>((*proof)[i] ^ client_signature[i]);
  bool ok = crypto::ConstantTimeEquals(crypto::Sha256(client_key), secret_.stored_key);
  if (!ok || mock_) return Status::PermissionDenied("SCRAM proof does not match");

  return "v=" + crypto::Base64Encode(crypto::HmacSha256(secret_.server_key, auth_message));
}

}  // namespace dynasink::pgwire
