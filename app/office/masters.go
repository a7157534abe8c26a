package office

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/madoguchi-jp/madoguchi/app/record"
)

// loggedIn checks only that s is the current session (for reading masters,
// which every role needs) and that ctx is not done. Call with o.mu held.
func (o *Office) loggedIn(ctx context.Context, s *Session) error {
	if err := o.current(s); err != nil {
		return err
	}
	return ctxErr(ctx)
}

// validator is a record that can check itself.
type validator interface{ Validate() error }

// saveMaster stores a venue, staff member or program.
func (o *Office) saveMaster(ctx context.Context, s *Session, m *record.Meta, k record.Kind, v validator) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.session(ctx, s, PermMasters); err != nil {
		return err
	}
	if err := v.Validate(); err != nil {
		return err
	}
	creating := o.stamp(s, m, k)
	rev, err := o.saveParts(s, expect(creating, m.Rev), actionFor(creating), string(k),
		part{id: m.ID, kind: string(k), value: v})
	if err != nil {
		if creating {
			m.ID = ""
		}
		return err
	}
	m.Rev = rev
	return nil
}

// SaveVenue creates (empty ID) or updates a venue.
func (o *Office) SaveVenue(ctx context.Context, s *Session, v *record.Venue) error {
	return o.saveMaster(ctx, s, &v.Meta, record.KindVenue, v)
}

// SaveStaff creates (empty ID) or updates a consultant or adviser.
func (o *Office) SaveStaff(ctx context.Context, s *Session, st *record.Staff) error {
	return o.saveMaster(ctx, s, &st.Meta, record.KindStaff, st)
}

// SaveProgram creates (empty ID) or updates a support program.
func (o *Office) SaveProgram(ctx context.Context, s *Session, p *record.Program) error {
	return o.saveMaster(ctx, s, &p.Meta, record.KindProgram, p)
}

// masters loads every record of a master kind.
func masters[T any](ctx context.Context, o *Office, s *Session, k record.Kind, key func(*T) string) ([]T, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.loggedIn(ctx, s); err != nil {
		return nil, err
	}
	ids, err := o.store.IDs(string(k))
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", k, err)
	}
	out, err := loadAll[T](ctx, o, s, ids, k)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b T) int { return strings.Compare(key(&a), key(&b)) })
	return out, nil
}

// Venues lists the venues by name.
func (o *Office) Venues(ctx context.Context, s *Session) ([]record.Venue, error) {
	return masters(ctx, o, s, record.KindVenue, func(v *record.Venue) string { return v.Name + v.ID })
}

// Staff lists consultants and advisers by フリガナ.
func (o *Office) Staff(ctx context.Context, s *Session) ([]record.Staff, error) {
	return masters(ctx, o, s, record.KindStaff, func(v *record.Staff) string { return v.Role + v.Kana + v.ID })
}

// Programs lists the support programs by level and name.
func (o *Office) Programs(ctx context.Context, s *Session) ([]record.Program, error) {
	return masters(ctx, o, s, record.KindProgram, func(v *record.Program) string {
		return fmt.Sprint(slices.Index(record.ProgramLevels(), v.Level)) + v.Name + v.ID
	})
}

// Names maps ids of venues and staff to their names, for lists and sheets.
func (o *Office) Names(ctx context.Context, s *Session) (map[string]string, error) {
	names := map[string]string{}
	vs, err := o.Venues(ctx, s)
	if err != nil {
		return nil, err
	}
	for _, v := range vs {
		names[v.ID] = v.Name
	}
	st, err := o.Staff(ctx, s)
	if err != nil {
		return nil, err
	}
	for _, x := range st {
		names[x.ID] = x.Name
	}
	return names, nil
}
