package staff

import (
	"net/http"

	"carepath"
	"carepath/password"
	"carepath/web"
)

// usersData is the administrator's page of staff accounts.
type usersData struct {
	Users []*carepath.User
	Roles []carepath.Role
	// Notice says what was just done; Temporary is a one-time password for
	// the user in For, shown on this response only.
	Notice, Temporary, For string
	Problem                string
	Form                   struct{ Email, Name, Role string } // the add form, kept after a refusal
}

// handleUsers lists the organization's staff accounts, with forms to add
// one, disable one or reset a password. The services refuse anyone but an
// administrator, as "not found".
func (s *Server) handleUsers(w http.ResponseWriter, r *http.Request) {
	s.renderUsers(w, r, http.StatusOK, &usersData{})
}

func (s *Server) renderUsers(w http.ResponseWriter, r *http.Request, status int, d *usersData) {
	users, err := s.Users.FindUsers(r.Context())
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	d.Users, d.Roles = users, carepath.Roles
	s.render(w, r, status, "users.html", "Staff accounts", d)
}

// handleAddUser creates an account with a temporary password, which the
// new user must replace at their first sign-in.
func (s *Server) handleAddUser(w http.ResponseWriter, r *http.Request) {
	d := &usersData{}
	d.Form.Email, d.Form.Name, d.Form.Role = r.PostFormValue("email"), r.PostFormValue("name"), r.PostFormValue("role")
	u := &carepath.User{Email: d.Form.Email, Name: d.Form.Name, Role: carepath.Role(d.Form.Role), MustChangePassword: true}
	temp := password.Temporary()
	if err := s.Users.CreateUser(r.Context(), u, temp); err != nil {
		s.usersRefused(w, r, d, err)
		return
	}
	d.Notice, d.Temporary, d.For = "Account created for "+u.Email+" as "+u.Role.Label()+".", temp, u.Email
	d.Form.Email, d.Form.Name, d.Form.Role = "", "", ""
	s.renderUsers(w, r, http.StatusOK, d)
}

// handleResetPassword gives a user a new temporary password and ends their
// sessions.
func (s *Server) handleResetPassword(w http.ResponseWriter, r *http.Request) {
	d := &usersData{}
	u, err := s.Users.FindUserByID(r.Context(), r.PathValue("id"))
	if err == nil {
		temp := password.Temporary()
		if err = s.Users.ResetPassword(r.Context(), u.ID, temp); err == nil {
			d.Notice, d.Temporary, d.For = "Password reset for "+u.Email+"; their sessions are ended.", temp, u.Email
		}
	}
	if err != nil {
		s.usersRefused(w, r, d, err)
		return
	}
	s.renderUsers(w, r, http.StatusOK, d)
}

// handleDisableUser disables an account and revokes its sessions and tokens.
func (s *Server) handleDisableUser(w http.ResponseWriter, r *http.Request) {
	d := &usersData{}
	u, err := s.Users.FindUserByID(r.Context(), r.PathValue("id"))
	if err == nil {
		if err = s.Users.DisableUser(r.Context(), u.ID); err == nil {
			d.Notice = u.Email + " is disabled; their sessions and API tokens are revoked."
		}
	}
	if err != nil {
		s.usersRefused(w, r, d, err)
		return
	}
	s.renderUsers(w, r, http.StatusOK, d)
}

// usersRefused shows a refusal the administrator can act on (a bad email, a
// taken one) on the page itself; anything else is the error page.
func (s *Server) usersRefused(w http.ResponseWriter, r *http.Request, d *usersData, err error) {
	switch carepath.ErrorCode(err) {
	case carepath.EINVALID, carepath.ECONFLICT:
		d.Problem = carepath.ErrorMessage(err)
		s.renderUsers(w, r, web.ErrorStatus(err), d)
	default:
		s.renderError(w, r, err)
	}
}
