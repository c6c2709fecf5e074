// The JSON documents that credential sources answer with, parsed into Credentials.
//
//   credential_process:  {"Version": 1, "AccessKeyId", "SecretAccessKey", "SessionToken",
//                         "Expiration"}  (token and expiration optional)
//   container endpoint:  {"AccessKeyId", "SecretAccessKey", "Token", "Expiration", ...}
//   instance metadata:   {"Code": "Success", "AccessKeyId", "SecretAccessKey", "Token",
//                         "Expiration", ...}
//
// Errors name the source and the missing or bad field, never the document's content, which holds
// secrets. Secrets are registered for redaction before anything else is checked.
#pragma once

#include <string_view>

#include "aws/credentials.h"
#include "common/result.h"

namespace dynasink::aws {

enum class CredentialsJsonFormat { kProcess, kContainer, kInstanceMetadata };

Result<Credentials> ParseCredentialsJson(std::string_view json, CredentialsJsonFormat format,
                                         std::string_view source);

}  // namespace dynasink::aws
