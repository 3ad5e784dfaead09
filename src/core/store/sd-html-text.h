/* sd-html-text.h — the readable text of a shop's HTML description
 *
 * Product bodies in shop exports are HTML written by hand or by editors: entities of
 * every kind, inline styling, comments, <style> blocks. Parsing them with libxml2's
 * forgiving HTML parser gives the text a customer would read, on one line.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The text of @html with whitespace collapsed, block elements separated by a space
 * and inline ones not; NULL when there is no text. */
char *sd_html_to_text (const char *html);

G_END_DECLS
