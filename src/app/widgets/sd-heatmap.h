/* sd-heatmap.h — an N×N matrix (N up to a few hundred) as coloured cells
 *
 * Drawn as one texture scaled to the widget, with a colour legend, a hover tooltip naming
 * the row, the column and the value, and row/column labels when the cells are big enough
 * to carry them. The colour scale starts from the background colour, so weak values recede
 * in light and dark style alike. Ordering rows so clusters show is the caller's job
 * (sd_seriation_order() in core does it).
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef enum {
  SD_HEATMAP_SEQUENTIAL,   /* low → high, for similarities in [0, 1] or counts */
  SD_HEATMAP_DIVERGING,    /* negative ← 0 → positive, for correlations */
} SdHeatmapScale;

#define SD_TYPE_HEATMAP_SCALE (sd_heatmap_scale_get_type ())
GType sd_heatmap_scale_get_type (void);

#define SD_TYPE_HEATMAP (sd_heatmap_get_type ())
G_DECLARE_FINAL_TYPE (SdHeatmap, sd_heatmap, SD, HEATMAP, GtkWidget)

GtkWidget      *sd_heatmap_new              (void);

/* Copies @values (row-major @n × @n; NaN leaves a cell blank) and @labels (@n strings, or
 * NULL for "1", "2", …). The cell (i, j) shows values[i * n + j]. */
void            sd_heatmap_set_matrix       (SdHeatmap          *self,
                                             const double       *values,
                                             guint               n,
                                             const char * const *labels);
guint           sd_heatmap_get_size         (SdHeatmap          *self);

/* Rows (and columns) that belong together, contiguous: @block_of gives each of the
 * matrix's n rows a block, @names (NULL-terminated) name the blocks. Blocks are outlined on
 * the diagonal, named beside it and in the tooltip. Cleared by sd_heatmap_set_matrix(). */
void            sd_heatmap_set_blocks       (SdHeatmap          *self,
                                             const guint        *block_of,
                                             const char * const *names);

/* Fixes the values mapped to the ends of the colour scale; NAN for either end means "from
 * the data" (the diagonal is left out, as self-similarity would dominate). */
void            sd_heatmap_set_range        (SdHeatmap          *self,
                                             double              min,
                                             double              max);
void            sd_heatmap_get_range        (SdHeatmap          *self,
                                             double             *min,
                                             double             *max);

/* Property "color-scale". */
void            sd_heatmap_set_color_scale  (SdHeatmap          *self,
                                             SdHeatmapScale      scale);
SdHeatmapScale  sd_heatmap_get_color_scale  (SdHeatmap          *self);

/* What the values are, shown above the legend and in the description: "cosine similarity". */
void            sd_heatmap_set_title        (SdHeatmap          *self,
                                             const char         *title);

/* The cell under widget point (@x, @y), as last drawn. */
gboolean        sd_heatmap_cell_at          (SdHeatmap          *self,
                                             double              x,
                                             double              y,
                                             guint              *row,
                                             guint              *column);

/* Signal "cell-activated" (guint row, guint column): a cell was clicked. */

/* Summary also set as the accessible description. */
const char     *sd_heatmap_get_description  (SdHeatmap          *self);

G_END_DECLS
