package ui

import (
	"context"
	"fyne.io/fyne/v2/widget"

	"github.com/madoguchi-jp/madoguchi/app/record"
)

// choices pairs the ids of master records with the labels a Select shows.
type choices struct {
	ids    []string
	labels []string
}

func (c *choices) add(id, label string) {
	c.ids = append(c.ids, id)
	c.labels = append(c.labels, label)
}

// id returns the id shown as label, or "".
func (c choices) id(label string) string {
	for i, l := range c.labels {
		if l == label {
			return c.ids[i]
		}
	}
	return ""
}

// label returns the label of id, or "".
func (c choices) label(id string) string {
	for i, x := range c.ids {
		if x == id {
			return c.labels[i]
		}
	}
	return ""
}

// newSelect returns a Select over c that reports the chosen id.
func (c choices) newSelect(onChange func(id string)) *widget.Select {
	s := widget.NewSelect(c.labels, nil)
	if onChange != nil {
		s.OnChanged = func(l string) { onChange(c.id(l)) }
	}
	s.PlaceHolder = tr("選んでください")
	return s
}

// selectID selects id in s (which was made by c.newSelect).
func (c choices) selectID(s *widget.Select, id string) {
	if l := c.label(id); l != "" {
		s.SetSelected(l)
	}
}

// venueChoices lists the active venues.
func venueChoices(ctx *Context) (choices, error) {
	vs, err := ctx.Office.Venues(context.Background(), ctx.Session)
	var c choices
	for _, v := range vs {
		if v.Active {
			c.add(v.ID, v.Name)
		}
	}
	return c, err
}

// consultantChoices lists the active consultants (not the advisers).
func consultantChoices(ctx *Context) (choices, error) {
	st, err := ctx.Office.Staff(context.Background(), ctx.Session)
	var c choices
	for _, s := range st {
		if s.Active && s.Role == record.StaffRoles()[0] {
			c.add(s.ID, s.Name)
		}
	}
	return c, err
}

// textChoices returns a Select over fixed Japanese values (record's lists),
// showing them translated and reporting the Japanese value.
func textChoices(values []string) choices {
	var c choices
	for _, v := range values {
		c.add(v, tr(v))
	}
	return c
}

// names returns the venue and staff names by id.
func names(ctx *Context) map[string]string {
	n, err := ctx.Office.Names(context.Background(), ctx.Session)
	if err != nil {
		return map[string]string{}
	}
	return n
}
