# Writes every file under DIST (web/dist) into a C++ source (OUT) as byte arrays, each with a gzip
# copy made by GZIP (-9 -n: no name or time, so the output depends on the content only). A gzip
# copy that saves less than a tenth is dropped (images, fonts): it is not worth the bytes.
string(CONCAT head "// Generated from web/dist by embed_web_dist.cmake.\n"
       "#include \"api/web_dist/web_dist.h\"\n\nnamespace hotline::api {\nnamespace {\n\n")
set(arrays "")
set(rows "")
set(files "")
if(IS_DIRECTORY ${DIST})
  file(GLOB_RECURSE files LIST_DIRECTORIES false RELATIVE ${DIST} ${DIST}/*)
  list(SORT files)
endif()

# byte_array(VAR NAME HEX): "const unsigned char NAME[] = {0x..,...};" (never empty: a 0 ends it).
function(byte_array var name hex)
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
  set(${var} "const unsigned char ${name}[] = {${bytes}0};\n" PARENT_SCOPE)
endfunction()

set(n 0)
foreach(file ${files})
  file(READ ${DIST}/${file} hex HEX)
  string(LENGTH "${hex}" hex_length)
  math(EXPR size "${hex_length} / 2")
  byte_array(body_array k${n} "${hex}")
  execute_process(COMMAND ${GZIP} -9 -n -c ${DIST}/${file} OUTPUT_FILE ${OUT}.gz
                  RESULT_VARIABLE gzip_result)
  if(NOT gzip_result EQUAL 0)
    message(FATAL_ERROR "gzip failed on web/dist/${file}")
  endif()
  file(READ ${OUT}.gz gzip_hex HEX)
  string(LENGTH "${gzip_hex}" gzip_hex_length)
  math(EXPR gzip_size "${gzip_hex_length} / 2")
  math(EXPR gzip_tenths "${gzip_size} * 10")
  math(EXPR nine_tenths "${size} * 9")
  if(gzip_tenths LESS nine_tenths)
    byte_array(gzip_array k${n}z "${gzip_hex}")
    set(gzip_view "{reinterpret_cast<const char*>(k${n}z), ${gzip_size}}")
  else()
    set(gzip_array "")
    set(gzip_view "{}")
  endif()
  string(APPEND arrays "${body_array}${gzip_array}")
  string(APPEND rows "    {\"/${file}\", {reinterpret_cast<const char*>(k${n}), ${size}}, ${gzip_view}},\n")
  math(EXPR n "${n} + 1")
endforeach()
file(REMOVE ${OUT}.gz)

if(n EQUAL 0)
  set(table "}  // namespace\n\nstd::span<const WebFile> WebDistFiles() { return {}; }\n")
else()
  string(CONCAT table "\nconst WebFile kFiles[] = {\n${rows}};\n\n}  // namespace\n\n"
         "std::span<const WebFile> WebDistFiles() { return kFiles; }\n")
endif()
file(WRITE ${OUT}.new "${head}${arrays}${table}\n}  // namespace hotline::api\n")
# Rewritten only when different, so an unchanged dist does not recompile anything.
file(COPY_FILE ${OUT}.new ${OUT} ONLY_IF_DIFFERENT)
file(REMOVE ${OUT}.new)
