/* sd-product-answer.h — the sentence of a product's description that answers a question
 *
 * "Is the running jacket machine washable?", "这个台灯有几种颜色？": the dialogue finds the
 * product (sd-entities); this finds the sentence of its description that answers, by
 * BM25 over the description's sentences. Terms are English words (lower case, a light
 * stem, a few shop synonyms made one: colour/color, made/material/fabric, wash/washable,
 * ship/delivery, gift/present) and Chinese characters and character bigrams; the
 * product's own title words and question words ("what", "is", 吗, 几) are left out, so a
 * sentence is chosen for what the question asks, not for naming the product. When no
 * sentence shares a term with the question, there is no answer: the description does not
 * say, and the dialogue says so rather than quoting something else.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The sentences of @text, trimmed, each with its closing punctuation. */
GPtrArray *sd_product_answer_sentences (const char *text);

/* The best sentence (newly allocated) and its score into @score (may be NULL), or NULL
 * when none shares a term with @question. @title may be NULL. */
char      *sd_product_answer_find      (const char *description,
                                        const char *question,
                                        const char *title,
                                        double     *score);

/* For a question about a product's colour or what it is made of that its description does
 * not answer: the colours or materials its title names ("white", "metal"; 墨绿色, 玻璃),
 * joined by ", " as the title has them (English in lower case), or NULL. A real shop's
 * titles often say what its descriptions, when it has any, do not. */
char      *sd_product_answer_from_title (const char *title,
                                         const char *question);

G_END_DECLS
