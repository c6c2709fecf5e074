// Redaction of secrets from any text that leaves the process: logs, errors, SHOW output.
//
// Two mechanisms, both applied by Redact():
//  1. Known field names. The value after any of these names (case-insensitive, followed by
//     optional quotes and ':' or '=') is replaced by "<redacted>": Authorization headers,
//     X-Amz-Security-Token / X-Amz-Signature / X-Amz-Credential, aws_secret_access_key,
//     aws_session_token, SecretAccessKey, SessionToken, Token (JSON and XML), and the SQL
//     options secret_key, session_token, aws.credentials.secret_access_key and
//     aws.credentials.session_token. AWS access key ids (AKIA.../ASIA...) are masked to their
//     last four characters.
//  2. Registered values. Every credential provider registers the secrets it loads; any later
//     occurrence of such a value in text is replaced, whatever surrounds it.
// Redact() is for text leaving the process, not for hot paths.
#pragma once

#include <string>
#include <string_view>

namespace dynasink {

// Remembers `secret` (if at least 8 characters long) so Redact() masks it wherever it appears.
void RegisterSecret(std::string_view secret);

// Returns `text` with every secret masked.
std::string Redact(std::string_view text);

}  // namespace dynasink
