/* sd-rfm-grid.c — the recency × frequency grid, Cairo-drawn */

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "sd-chart-draw.h"
#include "sd-format.h"
#include "sd-rfm-grid.h"

#define N 5
/* The smallest a group's name gets, of the chart's small text, before it breaks inside a
 * word: still readable in a 1024 px window. */
#define MIN_NAME_SCALE 0.7

struct _SdRfmGrid
{
  GtkWidget      parent_instance;

  SdRfmGridCell  cells[N * N];
  gboolean       has_cells;
  GStrv          names;
  char          *currency;
  guint          max_customers;
  guint          focus_r, focus_f;   /* 1 … 5 */

  /* The last layout: the grid's corner and a cell's side. */
  double         x0, y0, side;
};

G_DEFINE_FINAL_TYPE (SdRfmGrid, sd_rfm_grid, GTK_TYPE_WIDGET)

enum { CELL_ACTIVATED, N_SIGNALS };
static guint signals[N_SIGNALS];

static const SdRfmGridCell *
cell (SdRfmGrid *self,
      guint      r,
      guint      f)
{
  return &self->cells[(r - 1) * N + f - 1];
}

static const char *
group_name (SdRfmGrid *self,
            guint      group)
{
  return self->names && group < g_strv_length (self->names) ? self->names[group] : "";
}

static void
layout (SdRfmGrid *self)
{
  double w = gtk_widget_get_width (GTK_WIDGET (self));
  double h = gtk_widget_get_height (GTK_WIDGET (self));
  /* Room for the frequency title and scores on the left, recency's below. */
  const double left = 44, bottom = 40, top = 4, right = 4;

  self->side = MAX (1.0, floor (MIN ((w - left - right) / N, (h - top - bottom) / N)));
  self->x0 = floor (left + (w - left - right - N * self->side) / 2);
  self->y0 = top;
}

/* Recent on the right, frequent at the top. */
static void
cell_origin (SdRfmGrid *self,
             guint      r,
             guint      f,
             double    *x,
             double    *y)
{
  *x = self->x0 + (r - 1) * self->side;
  *y = self->y0 + (N - f) * self->side;
}

gboolean
sd_rfm_grid_cell_at (SdRfmGrid *self,
                     double     x,
                     double     y,
                     guint     *r,
                     guint     *f)
{
  double cx, cy;

  g_return_val_if_fail (SD_IS_RFM_GRID (self), FALSE);
  layout (self);
  cx = (x - self->x0) / self->side;
  cy = (y - self->y0) / self->side;
  if (cx < 0 || cy < 0 || cx >= N || cy >= N)
    return FALSE;
  if (r)
    *r = (guint) cx + 1;
  if (f)
    *f = N - (guint) cy;
  return TRUE;
}

gboolean
sd_rfm_grid_cell_rect (SdRfmGrid    *self,
                       guint         r,
                       guint         f,
                       GdkRectangle *rect)
{
  double x, y;

  g_return_val_if_fail (SD_IS_RFM_GRID (self), FALSE);
  if (r < 1 || r > N || f < 1 || f > N)
    return FALSE;
  layout (self);
  cell_origin (self, r, f, &x, &y);
  *rect = (GdkRectangle) { (int) x, (int) y, (int) self->side, (int) self->side };
  return TRUE;
}

char *
sd_rfm_grid_describe_cell (SdRfmGrid *self,
                           guint      r,
                           guint      f)
{
  const SdRfmGridCell *c;
  g_autofree char *count = NULL, *money = NULL;

  g_return_val_if_fail (SD_IS_RFM_GRID (self), NULL);
  if (!self->has_cells || r < 1 || r > N || f < 1 || f > N)
    return g_strdup ("");
  c = cell (self, r, f);
  count = sd_format_count (c->customers);
  money = sd_format_money (c->revenue_cents, self->currency);
  /* TRANSLATORS: an RFM grid cell: the group's name, the recency and frequency scores
   * (1 to 5), its number of customers and their revenue */
  return g_strdup_printf (_("%s · recency %u, frequency %u · %s customers · %s revenue"),
                          group_name (self, c->group), r, f, count, money);
}

static void
update_accessible (SdRfmGrid *self)
{
  g_autofree char *focused = sd_rfm_grid_describe_cell (self, self->focus_r, self->focus_f);
  /* TRANSLATORS: the accessible description of the RFM grid; %s describes the focused cell */
  g_autofree char *text = g_strdup_printf (_("Recency score from 1 (left) to 5, most recent (right); frequency score from 1 (bottom) to 5 (top). Arrow keys move between cells, Enter opens one. Focused: %s"),
                                           focused);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text, -1);
}

void
sd_rfm_grid_get_focus_cell (SdRfmGrid *self,
                            guint     *r,
                            guint     *f)
{
  g_return_if_fail (SD_IS_RFM_GRID (self));
  if (r)
    *r = self->focus_r;
  if (f)
    *f = self->focus_f;
}

static void
set_focus_cell (SdRfmGrid *self,
                guint      r,
                guint      f)
{
  self->focus_r = CLAMP (r, 1, N);
  self->focus_f = CLAMP (f, 1, N);
  update_accessible (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gboolean
sd_rfm_grid_activate_at (SdRfmGrid *self,
                         double     x,
                         double     y)
{
  guint r, f;

  g_return_val_if_fail (SD_IS_RFM_GRID (self), FALSE);
  if (!self->has_cells || !sd_rfm_grid_cell_at (self, x, y, &r, &f))
    return FALSE;
  set_focus_cell (self, r, f);
  g_signal_emit (self, signals[CELL_ACTIVATED], 0, r, f);
  return TRUE;
}

void
sd_rfm_grid_set_cells (SdRfmGrid           *self,
                       const SdRfmGridCell *cells,
                       const char * const  *group_names,
                       const char          *currency)
{
  g_return_if_fail (SD_IS_RFM_GRID (self));
  memcpy (self->cells, cells, sizeof self->cells);
  self->has_cells = TRUE;
  g_strfreev (self->names);
  self->names = g_strdupv ((GStrv) group_names);
  g_free (self->currency);
  self->currency = g_strdup (currency);
  self->max_customers = 0;
  for (guint i = 0; i < N * N; i++)
    self->max_customers = MAX (self->max_customers, cells[i].customers);
  update_accessible (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
show_text (cairo_t       *cr,
           PangoLayout   *pl,
           const char    *text,
           double         cx,
           double         y,
           double         width)
{
  pango_layout_set_text (pl, text, -1);
  pango_layout_set_width (pl, (int) (width * PANGO_SCALE));
  pango_layout_set_alignment (pl, PANGO_ALIGN_CENTER);
  width = sd_chart_balance_lines (pl);
  cairo_move_to (cr, cx - width / 2, y);
  pango_cairo_show_layout (cr, pl);
}

/* A group's name: at most two lines in its cell. */
static void
set_name_wrapping (PangoLayout *layout)
{
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  pango_layout_set_height (layout, -2);
}

static void
sd_rfm_grid_snapshot (GtkWidget   *widget,
                      GtkSnapshot *snapshot)
{
  SdRfmGrid *self = SD_RFM_GRID (widget);
  double w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  g_autoptr(PangoLayout) small = sd_chart_create_layout (widget, TRUE);
  g_autoptr(PangoLayout) normal = sd_chart_create_layout (widget, FALSE);
  SdChartColors colors;
  cairo_t *cr;
  double s;

  if (!self->has_cells || w < 60 || h < 60)
    return;
  layout (self);
  s = self->side;
  sd_chart_colors_lookup (widget, &colors);
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, w, h));

  /* Cells: the accent, as strong as the cell's share of the fullest cell (square root, so
   * the many small cells do not all fade into the background). */
  for (guint r = 1; r <= N; r++)
    for (guint f = 1; f <= N; f++)
      {
        const SdRfmGridCell *c = cell (self, r, f);
        double x, y, a = self->max_customers ? sqrt ((double) c->customers / self->max_customers) : 0;
        cell_origin (self, r, f, &x, &y);
        sd_chart_set_source_rgba (cr, &colors.palette[0], 0.08 + 0.72 * a);
        cairo_rectangle (cr, x + 1, y + 1, s - 2, s - 2);
        cairo_fill (cr);
      }

  /* Group borders: a thick line wherever a neighbour (or the edge) is another group. */
  sd_chart_set_source_rgba (cr, &colors.fg, 0.85);
  cairo_set_line_width (cr, 2.5);
  for (guint r = 1; r <= N; r++)
    for (guint f = 1; f <= N; f++)
      {
        guint g = cell (self, r, f)->group;
        double x, y;
        cell_origin (self, r, f, &x, &y);
        if (r == 1 || cell (self, r - 1, f)->group != g)
          { cairo_move_to (cr, x, y); cairo_line_to (cr, x, y + s); }
        if (r == N || cell (self, r + 1, f)->group != g)
          { cairo_move_to (cr, x + s, y); cairo_line_to (cr, x + s, y + s); }
        if (f == N || cell (self, r, f + 1)->group != g)
          { cairo_move_to (cr, x, y); cairo_line_to (cr, x + s, y); }
        if (f == 1 || cell (self, r, f - 1)->group != g)
          { cairo_move_to (cr, x, y + s); cairo_line_to (cr, x + s, y + s); }
      }
  cairo_stroke (cr);

  /* Names once per group, in its cell nearest the region's middle; counts in every cell. */
  set_name_wrapping (normal);
  for (guint g = 0; g < 64; g++)
    {
      double mr = 0, mf = 0, best = G_MAXDOUBLE;
      guint n = 0, br = 0, bf = 0;
      for (guint i = 0; i < N * N; i++)
        if (self->cells[i].group == g)
          mr += i / N + 1, mf += i % N + 1, n++;
      if (n == 0)
        continue;
      mr /= n, mf /= n;
      for (guint i = 0; i < N * N; i++)
        if (self->cells[i].group == g)
          {
            double d = pow (i / N + 1 - mr, 2) + pow (i % N + 1 - mf, 2);
            if (d < best)
              best = d, br = i / N + 1, bf = i % N + 1;
          }
      {
        double x, y;
        cell_origin (self, br, bf, &x, &y);
        cairo_set_source_rgba (cr, colors.fg.red, colors.fg.green, colors.fg.blue, 1);
        /* A name too wide for its cell at the normal size (a word wider than the cell,
         * "Champions" in a 1024 px window, or more than two lines, "Can't lose them") takes
         * a smaller font, as small as it needs, rather than a break inside a word
         * ("Hibernat-ing") or an ellipsis ("Can't lose t…"). */
        if (!sd_chart_fit_wrapped (normal, group_name (self, g), (int) (s - 6), 1.0))
          {
            g_autoptr(PangoLayout) fitted = sd_chart_create_layout (widget, TRUE);

            set_name_wrapping (fitted);
            sd_chart_fit_wrapped (fitted, group_name (self, g), (int) (s - 6), MIN_NAME_SCALE);
            show_text (cr, fitted, group_name (self, g), x + s / 2, y + 4, s - 6);
          }
        else
          show_text (cr, normal, group_name (self, g), x + s / 2, y + 4, s - 6);
      }
    }
  for (guint r = 1; r <= N; r++)
    for (guint f = 1; f <= N; f++)
      {
        g_autofree char *count = sd_format_count (cell (self, r, f)->customers);
        double x, y;
        int tw, th;
        cell_origin (self, r, f, &x, &y);
        pango_layout_set_text (small, count, -1);
        pango_layout_get_pixel_size (small, &tw, &th);
        sd_chart_set_source_rgba (cr, &colors.fg, 0.8);
        cairo_move_to (cr, x + (s - tw) / 2, y + s - th - 4);
        pango_cairo_show_layout (cr, small);
      }

  /* Scores and axis titles. */
  sd_chart_set_source_rgba (cr, &colors.muted, 1);
  for (guint k = 1; k <= N; k++)
    {
      char text[4];
      int tw, th;
      double x, y;
      g_snprintf (text, sizeof text, "%u", k);
      pango_layout_set_text (small, text, -1);
      pango_layout_get_pixel_size (small, &tw, &th);
      cell_origin (self, k, 1, &x, &y);
      cairo_move_to (cr, x + (s - tw) / 2, self->y0 + N * s + 2);
      pango_cairo_show_layout (cr, small);
      cell_origin (self, 1, k, &x, &y);
      cairo_move_to (cr, self->x0 - tw - 6, y + (s - th) / 2);
      pango_cairo_show_layout (cr, small);
    }
  {
    int tw, th;
    pango_layout_set_width (normal, -1);
    pango_layout_set_height (normal, -1);
    pango_layout_set_text (normal, _("Recency → ordered more recently"), -1);
    pango_layout_get_pixel_size (normal, &tw, &th);
    cairo_move_to (cr, self->x0 + (N * s - tw) / 2, self->y0 + N * s + 18);
    pango_cairo_show_layout (cr, normal);
    pango_layout_set_text (normal, _("Frequency → more orders"), -1);
    pango_layout_get_pixel_size (normal, &tw, &th);
    cairo_save (cr);
    cairo_translate (cr, self->x0 - 38, self->y0 + (N * s + tw) / 2);
    cairo_rotate (cr, -G_PI / 2);
    cairo_move_to (cr, 0, 0);
    pango_cairo_show_layout (cr, normal);
    cairo_restore (cr);
  }

  if (gtk_widget_has_focus (widget))
    {
      double x, y;
      cell_origin (self, self->focus_r, self->focus_f, &x, &y);
      sd_chart_set_source_rgba (cr, &colors.palette[0], 1);
      cairo_set_line_width (cr, 3);
      cairo_rectangle (cr, x + 4, y + 4, s - 8, s - 8);
      cairo_stroke (cr);
    }
  cairo_destroy (cr);
}

static void
sd_rfm_grid_size_allocate (GtkWidget *widget,
                           int        width,
                           int        height,
                           int        baseline)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_POPOVER (child))
      gtk_popover_present (GTK_POPOVER (child));
}

static void
sd_rfm_grid_measure (GtkWidget      *widget,
                     GtkOrientation  orientation,
                     int             for_size,
                     int            *minimum,
                     int            *natural,
                     int            *minimum_baseline,
                     int            *natural_baseline)
{
  (void) widget, (void) for_size, (void) minimum_baseline, (void) natural_baseline;
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 44 + 5 * 48 : 44 + 5 * 48;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 44 + 5 * 96 : 44 + 5 * 88;
}

static gboolean
query_tooltip_cb (SdRfmGrid  *self,
                  int         x,
                  int         y,
                  gboolean    keyboard,
                  GtkTooltip *tooltip)
{
  guint r, f;
  g_autofree char *text = NULL;

  if (!self->has_cells)
    return FALSE;
  if (keyboard)
    r = self->focus_r, f = self->focus_f;
  else if (!sd_rfm_grid_cell_at (self, x, y, &r, &f))
    return FALSE;
  text = sd_rfm_grid_describe_cell (self, r, f);
  gtk_tooltip_set_text (tooltip, text);
  {
    GdkRectangle rect;
    sd_rfm_grid_cell_rect (self, r, f, &rect);
    gtk_tooltip_set_tip_area (tooltip, &rect);
  }
  return TRUE;
}

static void
pressed_cb (GtkGestureClick *gesture,
            int              n_press,
            double           x,
            double           y,
            SdRfmGrid       *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self));
  if (sd_rfm_grid_activate_at (self, x, y))
    gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
}

static gboolean
key_pressed_cb (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                SdRfmGrid             *self)
{
  switch (keyval)
    {
    case GDK_KEY_Left:  case GDK_KEY_KP_Left:  set_focus_cell (self, self->focus_r - 1, self->focus_f); return TRUE;
    case GDK_KEY_Right: case GDK_KEY_KP_Right: set_focus_cell (self, self->focus_r + 1, self->focus_f); return TRUE;
    case GDK_KEY_Up:    case GDK_KEY_KP_Up:    set_focus_cell (self, self->focus_r, self->focus_f + 1); return TRUE;
    case GDK_KEY_Down:  case GDK_KEY_KP_Down:  set_focus_cell (self, self->focus_r, self->focus_f - 1); return TRUE;
    case GDK_KEY_Return: case GDK_KEY_KP_Enter: case GDK_KEY_space:
      if (self->has_cells)
        g_signal_emit (self, signals[CELL_ACTIVATED], 0, self->focus_r, self->focus_f);
      return self->has_cells;
    default:
      return FALSE;
    }
}

static void
sd_rfm_grid_dispose (GObject *object)
{
  GtkWidget *child;

  /* Popovers the caller pointed at cells. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))))
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (sd_rfm_grid_parent_class)->dispose (object);
}

static void
sd_rfm_grid_finalize (GObject *object)
{
  SdRfmGrid *self = SD_RFM_GRID (object);

  g_strfreev (self->names);
  g_free (self->currency);
  G_OBJECT_CLASS (sd_rfm_grid_parent_class)->finalize (object);
}

static void
sd_rfm_grid_class_init (SdRfmGridClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sd_rfm_grid_dispose;
  object_class->finalize = sd_rfm_grid_finalize;
  widget_class->snapshot = sd_rfm_grid_snapshot;
  widget_class->measure = sd_rfm_grid_measure;
  widget_class->size_allocate = sd_rfm_grid_size_allocate;
  signals[CELL_ACTIVATED] = g_signal_new ("cell-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_UINT);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
  gtk_widget_class_set_css_name (widget_class, "rfmgrid");
}

static void
sd_rfm_grid_init (SdRfmGrid *self)
{
  GtkGesture *click = gtk_gesture_click_new ();
  GtkEventController *keys = gtk_event_controller_key_new ();

  /* Champions' corner: where a keyboard user most likely wants to start. */
  self->focus_r = N;
  self->focus_f = N;
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  g_signal_connect (self, "query-tooltip", G_CALLBACK (query_tooltip_cb), NULL);
  g_signal_connect (click, "pressed", G_CALLBACK (pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
  g_signal_connect (keys, "key-pressed", G_CALLBACK (key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), keys);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Recency × frequency grid"), -1);
}

GtkWidget *
sd_rfm_grid_new (void)
{
  return g_object_new (SD_TYPE_RFM_GRID, NULL);
}
