// The sink statements, served by the sink runtime (stream/sink_manager.h): CREATE SINK, DROP
// SINK, ALTER SINK, SHOW CREATE SINK; and FLUSH's wait for the sinks. The SQL layer binds; the
// manager checks, persists and runs.
//
//   auto manager = stream::SinkManager::Open(&storage, &catalog,
//       [&](const catalog::SinkDefinition& d) { return sql::MakeSinkProgram(catalog, d); });
//   sql::RegisterSinkStatements(&engine, manager->get());   // also sets the FLUSH hook
//
// The manager must outlive every session that runs statements on the engine; on shutdown, stop
// the sessions (the pgwire server) first, then clear the hook (SetFlushHook(nullptr)), then
// close the manager.
#pragma once

#include <memory>

#include "catalog/catalog.h"
#include "common/result.h"
#include "exec/row_program.h"
#include "stream/sink_manager.h"

namespace dynasink::sql {

class Engine;

// The program of a stored sink: the table's columns (FROM) or its AS query, bound again.
Result<std::unique_ptr<exec::RowProgram>> MakeSinkProgram(const catalog::Catalog& catalog,
                                                          const catalog::SinkDefinition& def);

// Registers the sink statements and the FLUSH hook on `engine`.
void RegisterSinkStatements(Engine* engine, stream::SinkManager* manager);

}  // namespace dynasink::sql
