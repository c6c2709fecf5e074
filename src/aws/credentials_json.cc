#include "aws/credentials_json.h"

#include <rapidjson/document.h>

#include <string>

#include "aws/iso8601.h"

namespace dynasink::aws {
namespace {

// The string member `name`, or nullptr when absent or not a string.
const rapidjson::Value* StringMember(const rapidjson::Value& doc, const char* name) {
  auto it = doc.FindMember(name);
  if (it == doc.MemberEnd() || !it->value.IsString()) return nullptr;
  return &it->value;
}

}  // namespace

Result<Credentials> ParseCredentialsJson(std::string_view json, CredentialsJsonFormat format,
                                         std::string_view source) {
  const std::string where(source);
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError() || !doc.IsObject()) {
    return Status::InvalidArgument(where + " did not return a JSON object with credentials");
  }
  Credentials creds;
  const char* token_field = format == CredentialsJsonFormat::kProcess ? "SessionToken" : "Token";
  if (const auto* v = StringMember(doc, "SecretAccessKey")) {
    creds.secret_access_key.assign(v->GetString(), v->GetStringLength());
  }
  if (const auto* v = StringMember(doc, token_field)) {
    creds.session_token.assign(v->GetString(), v->GetStringLength());
  }
  RegisterSecrets(creds);

  if (format == CredentialsJsonFormat::kProcess) {
    auto version = doc.FindMember("Version");
    if (version == doc.MemberEnd() || !version->value.IsInt() || version->value.GetInt() != 1) {
      return Status::InvalidArgument(where + " returned JSON without \"Version\": 1");
    }
  }
  if (format == CredentialsJsonFormat::kInstanceMetadata) {
    const auto* code = StringMember(doc, "Code");
    if (code != nullptr && std::string_view(code->GetString()) != "Success") {
      return Status::Unavailable(where + " reported Code \"" + std::string(code->GetString()) +
                                 "\" instead of \"Success\"");
    }
  }
  if (const auto* v = StringMember(doc, "AccessKeyId")) {
    creds.access_key_id.assign(v->GetString(), v->GetStringLength());
  }
  if (creds.access_key_id.empty()) {
    return Status::InvalidArgument(where + " returned no \"AccessKeyId\"");
  }
  if (creds.secret_access_key.empty()) {
    return Status::InvalidArgument(where + " returned no \"SecretAccessKey\"");
  }
  if (format != CredentialsJsonFormat::kProcess && creds.session_token.empty()) {
    return Status::InvalidArgument(where + " returned no \"Token\"");
  }
  if (auto it = doc.FindMember("Expiration"); it != doc.MemberEnd() && !it->value.IsNull()) {
    if (!it->value.IsString()) {
      return Status::InvalidArgument(where + " returned an \"Expiration\" that is not a string");
    }
    Result<Clock::time_point> when = ParseIso8601(it->value.GetString());
    if (!when.ok()) {
      return Status::InvalidArgument(where +
                                     " returned a bad \"Expiration\": " + when.status().message());
    }
    creds.expiration = *when;
  } else if (format != CredentialsJsonFormat::kProcess) {
    return Status::InvalidArgument(where + " returned no \"Expiration\"");
  }
  return creds;
}

}  // namespace dynasink::aws
