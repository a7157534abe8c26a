package admin

import (
	"testing"

	"github.com/madoguchi-jp/madoguchi/ui/internal/uitest"
)

func TestMain(m *testing.M) { uitest.Main(m) }

// newFixture is a Casework test vault in Fyne's test app.
func newFixture(t *testing.T) *uitest.Office {
	uitest.NewApp(t)
	return uitest.NewOffice(t, "", uitest.Casework)
}
