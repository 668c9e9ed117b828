// Each group of `hotline` subcommands lives in its own file and registers itself on the app with
// one of these functions. A registered subcommand runs from its callback and stores its exit
// status in *exit_code (CLI.md: 0 ok, 1 the work found problems, 2 bad arguments).
#pragma once

#include <CLI/CLI.hpp>

namespace hotline::cli {

void AddBenchCommands(CLI::App& app, int* exit_code);  // bench routing, bench api
// `bench api` (bench_api_commands.cc), added to the `bench` group by AddBenchCommands.
void AddBenchApiCommand(CLI::App& bench, int* exit_code);
void AddConfigCommands(CLI::App& app, int* exit_code);  // config check
void AddWfmCommands(CLI::App& app, int* exit_code);     // erlang, staff
void AddSimCommands(CLI::App& app, int* exit_code);     // sim
void AddServeCommands(CLI::App& app, int* exit_code);   // serve

}  // namespace hotline::cli
