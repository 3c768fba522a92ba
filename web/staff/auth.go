package staff

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"

	"carepath"
	"carepath/web"
)

// sessionCookie holds the session's secret. HttpOnly and SameSite=Lax; Secure
// whenever the request came over TLS or the server is told it sits behind
// TLS.
const sessionCookie = "carepath_session"

type viewerKey struct{}

func viewerFrom(ctx context.Context) *web.Viewer {
	v, _ := ctx.Value(viewerKey{}).(*web.Viewer)
	return v
}

// requireUser lets signed-in users through, with their actor in the
// request's context; others go to the sign-in page (pages) or get 401.
func (s *Server) requireUser(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var u *carepath.User
		var err error = carepath.Errorf(carepath.EUNAUTHORIZED, "Please sign in.")
		if c, cerr := r.Cookie(sessionCookie); cerr == nil {
			_, u, err = s.Sessions.FindSession(r.Context(), c.Value)
		}
		if err != nil {
			if carepath.ErrorCode(err) != carepath.EUNAUTHORIZED {
				s.renderError(w, r, err)
				return
			}
			if r.Method == http.MethodGet {
				http.Redirect(w, r, "/signin?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			s.renderError(w, r, carepath.Errorf(carepath.EUNAUTHORIZED, "Your session has ended. Please sign in again."))
			return
		}
		v, err := s.ViewerFor(r.Context(), u)
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		ctx := carepath.NewContextWithActor(r.Context(), &carepath.Actor{User: u, OrgID: u.OrgID, Source: s.ClientIP(r)})
		ctx = context.WithValue(ctx, viewerKey{}, v)
		// After an administrator's reset, nothing but choosing a new
		// password (or signing out) until it is done.
		if u.MustChangePassword && r.URL.Path != "/password" && r.URL.Path != "/signout" {
			if r.Method == http.MethodGet {
				http.Redirect(w, r, "/password", http.StatusSeeOther)
				return
			}
			s.renderError(w, r.WithContext(ctx), carepath.Errorf(carepath.EUNAUTHORIZED, "Choose a new password first."))
			return
		}
		next(w, r.WithContext(ctx))
	}
}

type passwordData struct {
	Must    bool
	Problem string
	Done    bool
}

func (s *Server) handlePasswordForm(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "password.html", "Change password", passwordData{Must: viewerFrom(r.Context()).User.MustChangePassword})
}

func (s *Server) handleChangePassword(w http.ResponseWriter, r *http.Request) {
	v := viewerFrom(r.Context())
	d := passwordData{Must: v.User.MustChangePassword}
	next := r.PostFormValue("new")
	var err error
	if next != r.PostFormValue("again") {
		err = carepath.Errorf(carepath.EINVALID, "The two new passwords differ.")
	} else {
		err = s.Users.ChangePassword(r.Context(), r.PostFormValue("current"), next)
	}
	switch code := carepath.ErrorCode(err); code {
	case "":
		// The change ended every session of the user, this one too: the
		// browser that made it goes on in a new one.
		if err := s.startSession(w, r, v.User); err != nil {
			s.renderError(w, r, err)
			return
		}
		if d.Must {
			http.Redirect(w, r, "/patients", http.StatusSeeOther)
			return
		}
		d.Done = true
		s.render(w, r, http.StatusOK, "password.html", "Change password", d)
	case carepath.EINVALID, carepath.EUNAUTHORIZED:
		d.Problem = carepath.ErrorMessage(err)
		s.render(w, r, web.ErrorStatus(err), "password.html", "Change password", d)
	default:
		s.renderError(w, r, err)
	}
}

type signInData struct {
	Email   string
	Next    string
	Problem string
}

func (s *Server) handleSignInForm(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "signin.html", "Sign in", signInData{Next: safeNext(r.URL.Query().Get("next"))})
}

// safeNext keeps a redirect after sign-in (or after a form) on this site:
// it returns next as a browser would read it if that is a path on this
// origin, and the patient panel otherwise. A browser, before it resolves a
// URL (WHATWG URL parsing), strips leading and trailing spaces and control
// characters, removes every tab and newline, and reads a backslash as a
// slash: "/\t/evil.example" is "//evil.example", another site. So the
// check is made on what the browser will see, and that is what is sent.
func safeNext(next string) string {
	const home = "/patients"
	cleaned := strings.TrimFunc(next, func(r rune) bool { return r <= ' ' })
	cleaned = strings.Map(func(r rune) rune {
		switch r {
		case '\t', '\n', '\r':
			return -1
		case '\\':
			return '/'
		}
		return r
	}, cleaned)
	if !strings.HasPrefix(cleaned, "/") || strings.HasPrefix(cleaned, "//") ||
		strings.ContainsFunc(cleaned, func(r rune) bool { return r < ' ' || r == 0x7f }) {
		return home
	}
	u, err := url.Parse(cleaned)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return home
	}
	return cleaned
}

// deviceCookie holds the secrets of the good sign-ins made on this
// browser (a shared workstation holds several), which spare its users the
// delays that failures elsewhere put on their accounts. Only the sign-in
// form reads it.
const deviceCookie = "carepath_device"

func (s *Server) handleSignIn(w http.ResponseWriter, r *http.Request) {
	ip := s.ClientIP(r)
	d := signInData{Email: r.PostFormValue("email"), Next: safeNext(r.PostFormValue("next"))}
	attempt := carepath.SignInAttempt{Email: d.Email, Password: r.PostFormValue("password"), Source: ip}
	if c, err := r.Cookie(deviceCookie); err == nil {
		attempt.Devices = strings.Fields(strings.ReplaceAll(c.Value, ".", " "))
	}
	in, err := s.Users.Authenticate(r.Context(), attempt)
	if code := carepath.ErrorCode(err); code == carepath.EUNAUTHORIZED || code == carepath.ETHROTTLED {
		s.RequestLogger(r).Info("sign-in refused", "ip", ip, "why", code)
		d.Problem = carepath.ErrorMessage(err)
		s.render(w, r, web.ErrorStatus(err), "signin.html", "Sign in", d)
		return
	} else if err != nil {
		s.renderError(w, r, err)
		return
	}
	if err := s.startSession(w, r, in.User); err != nil {
		s.renderError(w, r, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: deviceCookie, Value: strings.Join(in.Devices, "."), Path: "/signin",
		MaxAge: int(carepath.SignInDeviceMaxAge / time.Second), HttpOnly: true, Secure: r.TLS != nil || s.SecureCookies, SameSite: http.SameSiteStrictMode})
	http.Redirect(w, r, d.Next, http.StatusSeeOther)
}

// startSession signs the browser in as u: a new session, in its cookie.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, u *carepath.User) error {
	token, err := s.Sessions.CreateSession(r.Context(), u, s.ClientIP(r), r.UserAgent())
	if err != nil {
		return err
	}
	http.SetCookie(w, s.cookie(r, token, int(carepath.SessionMaxAge/time.Second)))
	return nil
}

func (s *Server) cookie(r *http.Request, value string, maxAge int) *http.Cookie {
	return &http.Cookie{Name: sessionCookie, Value: value, Path: "/", MaxAge: maxAge, HttpOnly: true,
		Secure: r.TLS != nil || s.SecureCookies, SameSite: http.SameSiteLaxMode}
}

func (s *Server) handleSignOut(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		if err := s.Sessions.RevokeSession(r.Context(), c.Value); err != nil {
			s.renderError(w, r, err)
			return
		}
		if err := s.Audit.RecordAudit(r.Context(), carepath.AuditEvent{Action: carepath.AuditSignOut}); err != nil {
			s.renderError(w, r, err)
			return
		}
	}
	http.SetCookie(w, s.cookie(r, "", -1))
	http.Redirect(w, r, "/signin", http.StatusSeeOther)
}
