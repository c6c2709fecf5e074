// The dynasink binary (see server/commands.h).
#include "server/commands.h"

int main(int argc, char** argv) { return dynasink::server::RunMain(argc, argv); }
