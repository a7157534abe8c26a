package office

import (
	"context"
	"errors"

	"github.com/madoguchi-jp/madoguchi/app/record"
)

// BusinessNames returns the 事業所名 of the given businesses by id, for lists
// such as the day's schedule. It reads only the contact part (never the case
// part), so it is not a view of case content and writes no access-log event.
// An id that names no business is left out.
func (o *Office) BusinessNames(ctx context.Context, s *Session, ids []string) (map[string]string, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.session(ctx, s, PermFrontDesk); err != nil {
		return nil, err
	}
	out := make(map[string]string, len(ids))
	for _, id := range sortedUnique(append([]string(nil), ids...)) {
		b, err := o.business(s, id, false)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out[id] = b.Name
	}
	return out, nil
}

// BusinessContact reads a business without its case part, for screens that
// show or edit only contact data (the counter's business form). Unlike
// Business it never opens the date of birth, so it writes no access-log event.
func (o *Office) BusinessContact(ctx context.Context, s *Session, id string) (*record.Business, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.session(ctx, s, PermFrontDesk); err != nil {
		return nil, err
	}
	return o.business(s, id, false)
}
