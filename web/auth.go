package web

import (
	"context"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"carepath"
)

// sessionCookie holds the session's secret. HttpOnly and SameSite=Lax; Secure
// whenever the request came over TLS or the server is told it sits behind
// TLS.
const sessionCookie = "carepath_session"

// viewer is who is looking, and in which organization's time.
type viewer struct {
	User *carepath.User
	Org  *carepath.Organization
	Loc  *time.Location
}

type viewerKey struct{}

func viewerFrom(ctx context.Context) *viewer {
	v, _ := ctx.Value(viewerKey{}).(*viewer)
	return v
}

// clientIP is the address the request came from. X-Forwarded-For is
// trusted only when the server is told it sits behind a proxy.
func (s *Server) clientIP(r *http.Request) string {
	if s.TrustProxy {
		if xff := r.Header.Get("X-Forwarded-For"); xff != "" {
			first, _, _ := strings.Cut(xff, ",")
			return strings.TrimSpace(first)
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
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
		v, err := s.viewerFor(r.Context(), u)
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		ctx := carepath.NewContextWithActor(r.Context(), &carepath.Actor{User: u, OrgID: u.OrgID, Source: s.clientIP(r)})
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
		if d.Must {
			http.Redirect(w, r, "/patients", http.StatusSeeOther)
			return
		}
		d.Done = true
		s.render(w, r, http.StatusOK, "password.html", "Change password", d)
	case carepath.EINVALID, carepath.EUNAUTHORIZED:
		d.Problem = carepath.ErrorMessage(err)
		s.render(w, r, errorStatus(err), "password.html", "Change password", d)
	default:
		s.renderError(w, r, err)
	}
}

// viewerFor finds the user's organization (cached: it changes rarely) and
// its time zone.
func (s *Server) viewerFor(ctx context.Context, u *carepath.User) (*viewer, error) {
	if v, ok := s.orgs.Load(u.OrgID); ok {
		o := v.(*viewer)
		return &viewer{User: u, Org: o.Org, Loc: o.Loc}, nil
	}
	org, err := s.Organizations.FindOrganization(ctx, u.OrgID)
	if err != nil {
		return nil, err
	}
	loc, err := time.LoadLocation(org.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	s.orgs.Store(u.OrgID, &viewer{Org: org, Loc: loc})
	return &viewer{User: u, Org: org, Loc: loc}, nil
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

func (s *Server) handleSignIn(w http.ResponseWriter, r *http.Request) {
	ip := s.clientIP(r)
	d := signInData{Email: r.PostFormValue("email"), Next: safeNext(r.PostFormValue("next"))}
	if s.signInLimiter.blocked(ip, time.Now()) {
		d.Problem = "Too many failed sign-ins from this computer. Wait a minute and try again."
		s.render(w, r, http.StatusTooManyRequests, "signin.html", "Sign in", d)
		return
	}
	u, err := s.Users.Authenticate(r.Context(), d.Email, r.PostFormValue("password"), ip)
	if err != nil {
		if carepath.ErrorCode(err) != carepath.EUNAUTHORIZED {
			s.renderError(w, r, err)
			return
		}
		s.signInLimiter.fail(ip, time.Now())
		s.logger(r).Info("sign-in refused", "ip", ip)
		d.Problem = carepath.ErrorMessage(err)
		s.render(w, r, http.StatusUnauthorized, "signin.html", "Sign in", d)
		return
	}
	token, err := s.Sessions.CreateSession(r.Context(), u, ip, r.UserAgent())
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	http.SetCookie(w, s.cookie(r, token, int(carepath.SessionMaxAge/time.Second)))
	http.Redirect(w, r, d.Next, http.StatusSeeOther)
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

// failureLimiter limits failed attempts per key (an address): each has a
// burst of failures that refills steadily, so that a person who mistypes
// gets several tries and a password-guessing script a trickle. Successes
// cost nothing: a clinic's staff behind one address all sign in at 8 am.
type failureLimiter struct {
	mu      sync.Mutex
	burst   float64
	perSec  float64
	buckets map[string]*bucket
	swept   time.Time
}

type bucket struct {
	tokens float64
	at     time.Time
}

func newFailureLimiter(burst int, every time.Duration) *failureLimiter {
	return &failureLimiter{burst: float64(burst), perSec: 1 / every.Seconds(), buckets: map[string]*bucket{}}
}

// refill brings the key's bucket up to now; callers hold mu.
func (l *failureLimiter) refill(key string, now time.Time) *bucket {
	if now.Sub(l.swept) > time.Minute { // forget full buckets, so memory stays bounded
		for k, b := range l.buckets {
			if b.tokens+now.Sub(b.at).Seconds()*l.perSec >= l.burst {
				delete(l.buckets, k)
			}
		}
		l.swept = now
	}
	b, ok := l.buckets[key]
	if !ok {
		b = &bucket{tokens: l.burst, at: now}
		l.buckets[key] = b
	}
	b.tokens = min(l.burst, b.tokens+now.Sub(b.at).Seconds()*l.perSec)
	b.at = now
	return b
}

// blocked reports whether the key has used up its failures.
func (l *failureLimiter) blocked(key string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.refill(key, now).tokens < 1
}

// fail counts a failure against the key.
func (l *failureLimiter) fail(key string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.refill(key, now)
	b.tokens = max(0, b.tokens-1)
}
