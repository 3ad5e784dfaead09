/* sd-columns.c — columns side by side that stack when the width runs short */
#include "config.h"

#include "sd-columns.h"

#include <math.h>

struct _SdColumns
{
  GtkWidget  parent_instance;

  int        threshold;
  int        spacing;
  gboolean   stacked;       /* the layout the scrollbars and separators are set for */
  gboolean   applied;       /* scrollbars set once: the .ui's policies are not trusted */
  guint      apply_idle;
};

G_DEFINE_FINAL_TYPE (SdColumns, sd_columns, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_THRESHOLD,
  PROP_SPACING,
  PROP_STACKED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

#define FOR_EACH_VISIBLE_CHILD(self, child)                                         \
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self)); child;   \
       child = gtk_widget_get_next_sibling (child))                                  \
    if (gtk_widget_should_layout (child))

static guint
n_visible (SdColumns *self)
{
  guint n = 0;

  FOR_EACH_VISIBLE_CHILD (self, child)
    n++;
  return n;
}

static int
min_width (GtkWidget *widget)
{
  int min = 0;

  gtk_widget_measure (widget, GTK_ORIENTATION_HORIZONTAL, -1, &min, NULL, NULL, NULL);
  return min;
}

/* Side by side at @width: at least the threshold, and room for every column's minimum. */
static gboolean
fits_wide (SdColumns *self,
           int        width)
{
  guint n = n_visible (self);
  int sum = n > 1 ? self->spacing * (int) (n - 1) : 0;

  if (width < self->threshold)
    return FALSE;
  FOR_EACH_VISIBLE_CHILD (self, child)
    sum += min_width (child);
  return width >= sum;
}

/* The columns' widths at @width: minimums, then the rest to the columns that expand; with
 * none expanding, towards the natural widths like a GtkBox and what is left to the last. */
static int *
column_widths (SdColumns *self,
               int        width,
               guint     *n_out)
{
  guint n = n_visible (self), i = 0, n_expand = 0;
  GtkRequestedSize *sizes = g_new0 (GtkRequestedSize, MAX (n, 1));
  int *widths = g_new0 (int, MAX (n, 1));
  int extra = width - (n > 1 ? self->spacing * (int) (n - 1) : 0);

  FOR_EACH_VISIBLE_CHILD (self, child)
    {
      gtk_widget_measure (child, GTK_ORIENTATION_HORIZONTAL, -1,
                          &sizes[i].minimum_size, &sizes[i].natural_size, NULL, NULL);
      sizes[i].data = child;
      extra -= sizes[i].minimum_size;
      n_expand += gtk_widget_compute_expand (child, GTK_ORIENTATION_HORIZONTAL);
      i++;
    }
  /* Expanding columns (the results) first: the others keep their minimum. */
  if (n_expand == 0)
    extra = gtk_distribute_natural_allocation (MAX (extra, 0), n, sizes);
  extra = MAX (extra, 0);
  for (i = 0; i < n; i++)
    {
      GtkWidget *child = sizes[i].data;
      widths[i] = sizes[i].minimum_size;
      if (n_expand > 0 && gtk_widget_compute_expand (child, GTK_ORIENTATION_HORIZONTAL))
        widths[i] += extra / (int) n_expand;
      else if (n_expand == 0 && i == n - 1)
        widths[i] += extra;
    }
  g_free (sizes);
  *n_out = n;
  return widths;
}

static void
sd_columns_measure (GtkWidget      *widget,
                    GtkOrientation  orientation,
                    int             for_size,
                    int            *minimum,
                    int            *natural,
                    int            *minimum_baseline,
                    int            *natural_baseline)
{
  SdColumns *self = SD_COLUMNS (widget);
  guint n = n_visible (self);
  int spacing = n > 1 ? self->spacing * (int) (n - 1) : 0;

  *minimum = *natural = 0;
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      /* Only the widest column: stacked is always possible. */
      FOR_EACH_VISIBLE_CHILD (self, child)
        {
          int min, nat;
          gtk_widget_measure (child, orientation, -1, &min, &nat, NULL, NULL);
          *minimum = MAX (*minimum, min);
          *natural += nat;
        }
      *natural = MAX (*natural + spacing, *minimum);
      return;
    }

  if (for_size < 0 ? !self->stacked : fits_wide (self, for_size))
    {
      guint n_widths = 0, i = 0;
      g_autofree int *widths = for_size < 0 ? NULL : column_widths (self, for_size, &n_widths);

      FOR_EACH_VISIBLE_CHILD (self, child)
        {
          int min, nat;
          gtk_widget_measure (child, orientation, widths ? widths[i] : -1, &min, &nat, NULL, NULL);
          *minimum = MAX (*minimum, min);
          *natural = MAX (*natural, nat);
          i++;
        }
    }
  else
    {
      FOR_EACH_VISIBLE_CHILD (self, child)
        {
          int min, nat;
          gtk_widget_measure (child, orientation, for_size, &min, &nat, NULL, NULL);
          *minimum += min;
          *natural += nat;
        }
      *minimum += spacing;
      *natural += spacing;
    }
}

static GtkSizeRequestMode
sd_columns_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void assign (GtkWidget *widget, gboolean bounded);

/* What a scrolled window holds, past the viewport GtkBuilder puts around a non-scrollable
 * child. */
static GtkWidget *
scrolled_content (GtkWidget *scrolled)
{
  GtkWidget *child = gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (scrolled));

  if (child && GTK_IS_VIEWPORT (child))
    child = gtk_viewport_get_child (GTK_VIEWPORT (child));
  return child;
}

static void
set_vpolicy (GtkWidget     *scrolled,
             GtkPolicyType  policy)
{
  GtkPolicyType h, v;

  gtk_scrolled_window_get_policy (GTK_SCROLLED_WINDOW (scrolled), &h, &v);
  if (v != policy)
    gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), h, policy);
}

/* GTK 4.8's scrolled window keeps a wheel turn even when it may not scroll (4.10 passes it
 * on): over a column that grows to its content (policy never, the stacked layout) the page
 * did not scroll at all — the Training page at 1024×700 showed its settings and nothing
 * below. Such a scrolled window hands the turn to the nearest one around it that scrolls. */
static gboolean
pass_scroll_cb (GtkEventControllerScroll *controller,
                double                    dx,
                double                    dy,
                gpointer                  user_data)
{
  GtkWidget *scrolled = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (controller));
  GtkWidget *outer = scrolled;
  GtkPolicyType h, v;
  GtkAdjustment *adjustment;
  double step;

  gtk_scrolled_window_get_policy (GTK_SCROLLED_WINDOW (scrolled), &h, &v);
  if (v != GTK_POLICY_NEVER || dy == 0)
    return GDK_EVENT_PROPAGATE;
  do
    {
      outer = gtk_widget_get_ancestor (gtk_widget_get_parent (outer), GTK_TYPE_SCROLLED_WINDOW);
      if (outer)
        gtk_scrolled_window_get_policy (GTK_SCROLLED_WINDOW (outer), &h, &v);
    }
  while (outer && v == GTK_POLICY_NEVER);
  if (outer == NULL)
    return GDK_EVENT_PROPAGATE;
  adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (outer));
  /* as far as GtkScrolledWindow goes: a notch by the page's height to the power 2/3, a
   * touchpad's pixels two and a half times */
  step = gtk_event_controller_scroll_get_unit (controller) == GDK_SCROLL_UNIT_WHEEL
         ? pow (gtk_adjustment_get_page_size (adjustment), 2.0 / 3.0) : 2.5;
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_value (adjustment) + dy * step);
  return GDK_EVENT_STOP;
}

static void
pass_scroll_on (GtkWidget *scrolled)
{
  GtkEventController *controller;

  if (g_object_get_data (G_OBJECT (scrolled), "sd-columns-pass-scroll"))
    return;
  controller = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL);
  gtk_event_controller_set_name (controller, "sd-columns-pass-scroll");
  g_signal_connect (controller, "scroll", G_CALLBACK (pass_scroll_cb), NULL);
  gtk_widget_add_controller (scrolled, controller);
  g_object_set_data (G_OBJECT (scrolled), "sd-columns-pass-scroll", controller);
}

/* Scrollbar policies and separators below @widget. @bounded: @widget gets a height it must
 * fit in (no scrolled window above it scrolls). A scrolled window that is bounded scrolls,
 * unless it holds side-by-side columns, each of which then scrolls by itself; one that is
 * not bounded grows to its content, as do the columns of stacked SdColumns. */
static void
assign (GtkWidget *widget,
        gboolean   bounded)
{
  if (GTK_IS_SCROLLED_WINDOW (widget))
    {
      GtkWidget *content = scrolled_content (widget);
      gboolean columns = content && SD_IS_COLUMNS (content) && !SD_COLUMNS (content)->stacked;

      set_vpolicy (widget, bounded && !columns ? GTK_POLICY_AUTOMATIC : GTK_POLICY_NEVER);
      pass_scroll_on (widget);
      /* Scrolled windows further in (a table's, a list's) are the page's own business. */
      if (content && SD_IS_COLUMNS (content))
        assign (content, bounded && columns);
      return;
    }
  if (SD_IS_COLUMNS (widget))
    {
      SdColumns *self = SD_COLUMNS (widget);

      for (GtkWidget *child = gtk_widget_get_first_child (widget); child;
           child = gtk_widget_get_next_sibling (child))
        {
          if (GTK_IS_SEPARATOR (child))
            gtk_orientable_set_orientation (GTK_ORIENTABLE (child),
                                            self->stacked ? GTK_ORIENTATION_HORIZONTAL : GTK_ORIENTATION_VERTICAL);
          assign (child, bounded && !self->stacked);
        }
      return;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child;
       child = gtk_widget_get_next_sibling (child))
    assign (child, bounded);
}

static gboolean
apply_cb (gpointer data)
{
  SdColumns *self = data;
  GtkWidget *top = GTK_WIDGET (self);
  GtkWidget *root;

  self->apply_idle = 0;
  for (GtkWidget *w = gtk_widget_get_parent (top); w; w = gtk_widget_get_parent (w))
    if (SD_IS_COLUMNS (w))
      top = w;
  root = gtk_widget_get_ancestor (top, GTK_TYPE_SCROLLED_WINDOW);
  assign (root ? root : top, TRUE);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STACKED]);
  return G_SOURCE_REMOVE;
}

static void
sd_columns_size_allocate (GtkWidget *widget,
                          int        width,
                          int        height,
                          int        baseline)
{
  SdColumns *self = SD_COLUMNS (widget);
  gboolean wide = fits_wide (self, width);

  /* Scrollbar policies change sizes: not from inside an allocation. */
  if (wide == self->stacked || !self->applied)
    {
      self->stacked = !wide;
      self->applied = TRUE;
      if (self->apply_idle == 0)
        self->apply_idle = g_idle_add_full (G_PRIORITY_HIGH_IDLE, apply_cb, self, NULL);
    }

  if (wide)
    {
      guint n = 0, i = 0;
      g_autofree int *widths = column_widths (self, width, &n);
      int x = 0;

      FOR_EACH_VISIBLE_CHILD (self, child)
        {
          gtk_widget_size_allocate (child, &(GtkAllocation) { x, 0, widths[i], height }, -1);
          x += widths[i++] + self->spacing;
        }
    }
  else
    {
      guint n = n_visible (self), i = 0, n_expand = 0;
      g_autofree int *heights = g_new0 (int, MAX (n, 1));
      int total = n > 1 ? self->spacing * (int) (n - 1) : 0;
      int y = 0;

      FOR_EACH_VISIBLE_CHILD (self, child)
        {
          int min, nat;
          gtk_widget_measure (child, GTK_ORIENTATION_VERTICAL, width, &min, &nat, NULL, NULL);
          heights[i] = nat;
          total += nat;
          n_expand += gtk_widget_compute_expand (child, GTK_ORIENTATION_VERTICAL);
          i++;
        }
      i = 0;
      FOR_EACH_VISIBLE_CHILD (self, child)
        {
          if (height > total && n_expand > 0 && gtk_widget_compute_expand (child, GTK_ORIENTATION_VERTICAL))
            heights[i] += (height - total) / (int) n_expand;
          gtk_widget_size_allocate (child, &(GtkAllocation) { 0, y, width, heights[i] }, -1);
          y += heights[i++] + self->spacing;
        }
    }
}

static void
sd_columns_dispose (GObject *object)
{
  SdColumns *self = SD_COLUMNS (object);
  GtkWidget *child;

  g_clear_handle_id (&self->apply_idle, g_source_remove);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))))
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (sd_columns_parent_class)->dispose (object);
}

static void
sd_columns_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  SdColumns *self = SD_COLUMNS (object);

  switch (prop_id)
    {
    case PROP_THRESHOLD:
      g_value_set_int (value, self->threshold);
      break;
    case PROP_SPACING:
      g_value_set_int (value, self->spacing);
      break;
    case PROP_STACKED:
      g_value_set_boolean (value, self->stacked);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_columns_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  SdColumns *self = SD_COLUMNS (object);

  switch (prop_id)
    {
    case PROP_THRESHOLD:
      sd_columns_set_threshold (self, g_value_get_int (value));
      break;
    case PROP_SPACING:
      self->spacing = g_value_get_int (value);
      gtk_widget_queue_resize (GTK_WIDGET (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_columns_class_init (SdColumnsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sd_columns_dispose;
  object_class->get_property = sd_columns_get_property;
  object_class->set_property = sd_columns_set_property;
  widget_class->measure = sd_columns_measure;
  widget_class->size_allocate = sd_columns_size_allocate;
  widget_class->get_request_mode = sd_columns_get_request_mode;

  properties[PROP_THRESHOLD] =
    g_param_spec_int ("threshold", NULL, NULL, 0, G_MAXINT, 0,
                      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_SPACING] =
    g_param_spec_int ("spacing", NULL, NULL, 0, G_MAXINT, 0,
                      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  properties[PROP_STACKED] =
    g_param_spec_boolean ("stacked", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
  gtk_widget_class_set_css_name (widget_class, "sd-columns");
}

static void
sd_columns_init (SdColumns *self)
{
}

GtkWidget *
sd_columns_new (void)
{
  return g_object_new (SD_TYPE_COLUMNS, NULL);
}

gboolean
sd_columns_get_stacked (SdColumns *self)
{
  g_return_val_if_fail (SD_IS_COLUMNS (self), FALSE);
  return self->stacked;
}

void
sd_columns_set_threshold (SdColumns *self,
                          int        threshold)
{
  g_return_if_fail (SD_IS_COLUMNS (self));

  if (self->threshold == threshold)
    return;
  self->threshold = threshold;
  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_THRESHOLD]);
}
