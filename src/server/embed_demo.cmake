# Writes the demo center file into a C++ source as a byte array (no delimiter can clash).
file(READ ${IN} hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
file(WRITE ${OUT} "// Generated from examples/demo/hotline.yaml by embed_demo.cmake.\n"
  "#include <string_view>\nnamespace hotline::server {\n"
  "static const unsigned char kDemo[] = {${bytes}};\n"
  "std::string_view DemoCenterYaml() {\n"
  "  return {reinterpret_cast<const char*>(kDemo), sizeof kDemo};\n}\n}  // namespace hotline::server\n")
