// The built-in statement handlers, one file each (internal to src/sql): stmt_query.cc,
// stmt_dml.cc, stmt_ddl.cc, stmt_show.cc, stmt_utility.cc, stmt_copy.cc.
#pragma once

#include "sql/statement.h"

namespace dynasink::sql {

void RegisterQueryStatements(StatementRegistry* registry);    // SELECT, VALUES, EXPLAIN
void RegisterDmlStatements(StatementRegistry* registry);      // INSERT, UPDATE, DELETE
void RegisterDdlStatements(StatementRegistry* registry);      // CREATE TABLE, DROP TABLE
void RegisterShowStatements(StatementRegistry* registry);     // SHOW ..., DESCRIBE
void RegisterUtilityStatements(StatementRegistry* registry);  // SET, RESET, BEGIN, FLUSH, ...
void RegisterCopyStatements(StatementRegistry* registry);     // COPY ... FROM STDIN

}  // namespace dynasink::sql
