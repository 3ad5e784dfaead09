/* sd-html-text.c — the readable text of a shop's HTML description */
#include "config.h"

#include <string.h>
#include <libxml/HTMLparser.h>
#include <libxml/HTMLtree.h>

#include "sd-html-text.h"

/* Elements that begin a new line in a browser; the others (b, span, a, em, …) run on
 * within a line, so closing them must not split a word from its punctuation. */
static const char *const block_elements[] = {
  "address", "article", "aside", "blockquote", "br", "caption", "dd", "details", "div",
  "dl", "dt", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5",
  "h6", "header", "hr", "img", "li", "main", "nav", "ol", "p", "pre", "section",
  "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul", NULL
};

/* Not text a customer reads. */
static const char *const hidden_elements[] = {
  "head", "noscript", "script", "style", "template", "title", NULL
};

static gboolean
name_in (const xmlChar     *name,
         const char *const *names)
{
  for (guint i = 0; names[i]; i++)
    if (g_ascii_strcasecmp ((const char *) name, names[i]) == 0)
      return TRUE;
  return FALSE;
}

typedef struct {
  GString  *out;
  gboolean  space;   /* a separator is owed before the next visible character */
} Walk;

static void
append_text (Walk       *w,
             const char *text)
{
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      /* NBSP and the other Unicode spaces separate words like any space. */
      if (g_unichar_isspace (c) || c == 0x00A0 || c == 0x200B || c == 0xFEFF)
        w->space = TRUE;
      else
        {
          if (w->space && w->out->len > 0)
            g_string_append_c (w->out, ' ');
          w->space = FALSE;
          g_string_append_len (w->out, p, g_utf8_next_char (p) - p);
        }
    }
}

static void
walk (Walk     *w,
      xmlNode  *node)
{
  for (; node; node = node->next)
    {
      switch (node->type)
        {
        case XML_TEXT_NODE:
        case XML_CDATA_SECTION_NODE:
          if (node->content)
            append_text (w, (const char *) node->content);
          break;
        case XML_ELEMENT_NODE:
          {
            gboolean block;

            if (name_in (node->name, hidden_elements))
              break;
            block = name_in (node->name, block_elements);
            if (block)
              w->space = TRUE;
            walk (w, node->children);
            if (block)
              w->space = TRUE;
          }
          break;
        default:
          /* comments, processing instructions, DTDs */
          break;
        }
    }
}

char *
sd_html_to_text (const char *html)
{
  htmlDocPtr doc;
  Walk w = { NULL, FALSE };
  int len;

  static gsize initialised = 0;

  if (html == NULL || *html == '\0')
    return NULL;
  /* libxml2 initialises itself on first use, but not safely from two import threads at once. */
  if (g_once_init_enter (&initialised))
    {
      xmlInitParser ();
      g_once_init_leave (&initialised, 1);
    }
  len = (int) MIN (strlen (html), (gsize) G_MAXINT);
  doc = htmlReadMemory (html, len, NULL, "UTF-8",
                        HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                        HTML_PARSE_NONET);
  if (doc == NULL)
    return NULL;
  w.out = g_string_sized_new (len);
  walk (&w, doc->children);
  xmlFreeDoc (doc);
  if (w.out->len == 0)
    {
      g_string_free (w.out, TRUE);
      return NULL;
    }
  return g_string_free (w.out, FALSE);
}
