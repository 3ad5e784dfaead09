/* sd-intent-data.h — labelled texts for intent (or any text) classification
 *
 * Read from a CSV file with a header, a file of JSON lines, or a JSON array of objects.
 * The text and the label are picked by column (or member) name; by default the text is
 * "text" (else the first column) and the label the first of "category", "label",
 * "intent", "domain" that exists (else the first other column). Numbers and booleans
 * are accepted as labels. Bad input fails as a whole, naming the file, line and reason.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  GPtrArray *texts;    /* char *, UTF-8 */
  GPtrArray *labels;   /* char * */
  GArray    *lines;    /* guint: where each example starts in its file (0 when added) */
  GPtrArray *groups;   /* char * or NULL: the example's paraphrase group, if it has one */
} SdIntentData;

SdIntentData *sd_intent_data_new        (void);
void          sd_intent_data_free       (SdIntentData       *data);
void          sd_intent_data_add        (SdIntentData       *data,
                                         const char         *text,
                                         const char         *label);
/* The same, in a paraphrase group (may be NULL): a split keeps a group on one side. */
void          sd_intent_data_add_grouped (SdIntentData      *data,
                                         const char         *text,
                                         const char         *label,
                                         const char         *group);
guint         sd_intent_data_get_size   (const SdIntentData *data);

/* @text_column and @label_column may be NULL for the defaults. The format comes from
 * the content: "[" starts a JSON array, "{" JSON lines, anything else is CSV. */
SdIntentData *sd_intent_data_load       (const char         *path,
                                         const char         *text_column,
                                         const char         *label_column,
                                         GError            **error);
SdIntentData *sd_intent_data_parse      (const char         *contents,
                                         gsize               length,
                                         const char         *source,
                                         const char         *text_column,
                                         const char         *label_column,
                                         GError            **error);

/* The distinct labels in order of first appearance. */
GPtrArray    *sd_intent_data_get_label_names (const SdIntentData *data);

/* A stratified split: about @fraction of each label's examples (at least one of every
 * label with two or more) go to @held_out, the rest to @kept; shuffled with @seed.
 * Examples of one paraphrase group stay together (about @fraction of each label's groups
 * are held out), so that what is held out has no close paraphrase in what is kept. */
void          sd_intent_data_split      (const SdIntentData *data,
                                         double              fraction,
                                         guint64             seed,
                                         SdIntentData      **kept,
                                         SdIntentData      **held_out);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdIntentData, sd_intent_data_free)

G_END_DECLS
