// The `hotline` program: one binary, git-style subcommands (spec/CLI.md). Each group of
// subcommands registers itself (commands.h); this file only parses and reports bad arguments.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <string>

#include "cli/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"Hotline: an open-source contact center", "hotline"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "hotline 0.1.0");
  int exit_code = 0;
  hotline::cli::AddBenchCommands(app, &exit_code);
  hotline::cli::AddWfmCommands(app, &exit_code);
  hotline::cli::AddSimCommands(app, &exit_code);
  hotline::cli::AddConfigCommands(app, &exit_code);
  hotline::cli::AddServeCommands(app, &exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // CLI.md: bad arguments exit 2 with one line naming the argument.
    std::string what = e.what();
    for (char& c : what) {
      if (c == '\n') c = ' ';
    }
    std::fprintf(stderr, "hotline: %s (see --help)\n", what.c_str());
    return 2;
  }
  return exit_code;
}
