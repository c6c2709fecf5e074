// Printing results as psql does, for `dynasink sql`: the aligned format with centred headers,
// numbers right-aligned, multi-line values continued with '+', and the "(n rows)" footer; the
// command tag for statements without rows; NOTICE/WARNING/ERROR lines with their DETAIL and
// HINT.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "sql/statement.h"
#include "types/value.h"

namespace dynasink::server {

// The table, its footer and the blank line psql prints after it.
std::string FormatAligned(const std::vector<sql::ResultColumn>& columns,
                          const std::vector<types::Row>& rows);

// "ERROR:  message\nDETAIL:  ...\nHINT:  ...\n" (the SQLSTATE is not shown, as in psql).
std::string FormatError(const Status& status);
// "NOTICE:  message\n" or "WARNING:  ..." with DETAIL/HINT lines.
std::string FormatNotice(const sql::Notice& notice);

}  // namespace dynasink::server
