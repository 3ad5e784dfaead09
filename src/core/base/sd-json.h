/* sd-json.h — a small, strict JSON reader (RFC 8259)
 *
 * Parses a whole document, or a file of JSON lines, into a tree of SdJsonNode. Strings
 * are UTF-8 with every escape decoded (\uXXXX surrogate pairs included); invalid input
 * fails with a message naming the source, line, column and reason. Nesting is limited
 * so hostile input cannot exhaust the stack.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  SD_JSON_NULL,
  SD_JSON_BOOL,
  SD_JSON_NUMBER,
  SD_JSON_STRING,
  SD_JSON_ARRAY,
  SD_JSON_OBJECT,
} SdJsonType;

typedef struct _SdJsonNode SdJsonNode;

#define SD_JSON_MAX_DEPTH 256

/* @source names the input in error messages (a file name, or NULL for "input"). Trailing
 * text after the value is an error. */
SdJsonNode  *sd_json_parse            (const char   *text,
                                       gssize        length,
                                       const char   *source,
                                       GError      **error);
/* JSON lines: one value per non-blank line. Returns an array node holding them; the
 * line of element i is given by sd_json_node_get_line(). */
SdJsonNode  *sd_json_parse_lines      (const char   *text,
                                       gssize        length,
                                       const char   *source,
                                       GError      **error);
void         sd_json_node_free        (SdJsonNode   *node);

SdJsonType   sd_json_node_get_node_type (const SdJsonNode *node);
/* The 1-based line where the value starts in its source. */
guint        sd_json_node_get_line    (const SdJsonNode *node);
gboolean     sd_json_node_get_boolean (const SdJsonNode *node);
double       sd_json_node_get_number  (const SdJsonNode *node);
/* NULL unless the node is a string. The string may contain U+0000 only if
 * sd_json_node_get_string_length() says so. */
const char  *sd_json_node_get_string  (const SdJsonNode *node);
gsize        sd_json_node_get_string_length (const SdJsonNode *node);
/* Elements of an array, or members of an object (in document order); 0 otherwise. */
guint        sd_json_node_get_length  (const SdJsonNode *node);
SdJsonNode  *sd_json_node_get_element (const SdJsonNode *node,
                                       guint             index);
const char  *sd_json_node_get_member_name (const SdJsonNode *node,
                                       guint             index);
/* The last member called @name (as most readers do with duplicates), or NULL. */
SdJsonNode  *sd_json_node_get_member  (const SdJsonNode *node,
                                       const char       *name);
/* Convenience: the member's string value, or NULL when absent or not a string. */
const char  *sd_json_node_get_member_string (const SdJsonNode *node,
                                       const char       *name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdJsonNode, sd_json_node_free)

G_END_DECLS
