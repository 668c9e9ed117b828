// hotline serve (spec/CLI.md).
#include <memory>
#include <string>

#include "cli/commands.h"
#include "server/server.h"

namespace hotline::cli {

void AddServeCommands(CLI::App& app, int* exit_code) {
  auto options = std::make_shared<server::ServeOptions>();
  auto config = std::make_shared<std::string>();
  auto sip = std::make_shared<std::string>();
  auto ready = std::make_shared<std::string>();
  CLI::App* serve = app.add_subcommand(
      "serve",
      "Run the contact center: the HTTP API on --http, the event log in --data. With no "
      "arguments, the bundled demo center on ./hotline-data.");
  serve->add_option("--config", *config, "The center file (hotline.yaml); default: the demo");
  serve->add_option("--data", options->data_dir, "Data directory (event log, keys)")
      ->capture_default_str();
  serve->add_option("--http", options->http, "HTTP address HOST:PORT (port 0: any free port)")
      ->capture_default_str();
  serve->add_option("--sip", *sip,
                    "Answer SIP calls (UDP and TCP) at HOST:PORT, an IPv4 address, e.g. "
                    "127.0.0.1:5060 (docs/voice.md)");
  serve->add_option("--ready-file", *ready,
                    "Write 'http=HOST:PORT' here once listening (for scripts and tests)");
  serve->callback([=] {
    if (!config->empty()) options->config_path = *config;
    if (!sip->empty()) options->sip = *sip;
    if (!ready->empty()) options->ready_file = *ready;
    *exit_code = server::Serve(*options);
  });
}

}  // namespace hotline::cli
