package widgets

import (
	"fyne.io/fyne/v2/widget"

	"github.com/madoguchi-jp/madoguchi/app/record"
)

// Choices pairs the ids of master records with the labels a Select shows.
type Choices struct {
	IDs    []string
	Labels []string
}

func (c *Choices) Add(id, label string) {
	c.IDs = append(c.IDs, id)
	c.Labels = append(c.Labels, label)
}

// ID returns the ID shown as label, or "".
func (c Choices) ID(label string) string {
	for i, l := range c.Labels {
		if l == label {
			return c.IDs[i]
		}
	}
	return ""
}

// Label returns the Label of id, or "".
func (c Choices) Label(id string) string {
	for i, x := range c.IDs {
		if x == id {
			return c.Labels[i]
		}
	}
	return ""
}

// NewSelect returns a Select over c that reports the chosen id.
func (c Choices) NewSelect(onChange func(id string)) *widget.Select {
	s := widget.NewSelect(c.Labels, nil)
	if onChange != nil {
		s.OnChanged = func(l string) { onChange(c.ID(l)) }
	}
	s.PlaceHolder = tr("選んでください")
	return s
}

// SelectID selects id in s (which was made by c.newSelect).
func (c Choices) SelectID(s *widget.Select, id string) {
	if l := c.Label(id); l != "" {
		s.SetSelected(l)
	}
}

// VenueChoices lists the active venues.
func VenueChoices(ctx Env) (Choices, error) {
	vs, err := ctx.Office().Venues(ctx.Context(), ctx.Session())
	var c Choices
	for _, v := range vs {
		if v.Active {
			c.Add(v.ID, v.Name)
		}
	}
	return c, err
}

// ConsultantChoices lists the active consultants (not the advisers).
func ConsultantChoices(ctx Env) (Choices, error) {
	st, err := ctx.Office().Staff(ctx.Context(), ctx.Session())
	var c Choices
	for _, s := range st {
		if s.Active && s.Role == record.StaffRoles()[0] {
			c.Add(s.ID, s.Name)
		}
	}
	return c, err
}

// TextChoices returns a Select over fixed Japanese values (record's lists),
// showing them translated and reporting the Japanese value.
func TextChoices(values []string) Choices {
	var c Choices
	for _, v := range values {
		c.Add(v, tr(v))
	}
	return c
}

// Names returns the venue and staff Names by id.
func Names(ctx Env) map[string]string {
	n, err := ctx.Office().Names(ctx.Context(), ctx.Session())
	if err != nil {
		return map[string]string{}
	}
	return n
}
