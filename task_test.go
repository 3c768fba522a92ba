package carepath

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestTaskApply(t *testing.T) {
	now := time.Date(2026, 3, 10, 15, 0, 0, 0, time.UTC)
	cm := &Actor{User: &User{ID: "u1", Name: "Carla", Role: RoleCareManager}}
	ptr := func(s string) *string { return &s }
	status := func(s TaskStatus) *TaskStatus { return &s }
	at := func(t time.Time) *time.Time { return &t }
	queued := func() *Task {
		return &Task{Status: TaskRequested, Priority: PriorityRoutine, Queue: RoleCareManager, Due: now.Add(24 * time.Hour)}
	}
	owned := func() *Task {
		t := queued()
		t.OwnerID, t.Status = "u2", TaskAccepted
		return t
	}
	tests := []struct {
		name   string
		task   func() *Task
		change TaskChange
		names  map[string]string
		events string             // action:from>to, joined by spaces
		after  func(*Task) string // what the task is after, as want says
		want   string
		err    string // a part of the error's message
	}{
		{name: "claim accepts", task: queued, change: TaskChange{OwnerID: ptr("u1")}, names: map[string]string{"": "", "u1": "Carla"},
			events: "claimed:>Carla status:requested>accepted"},
		{name: "back to the queue", task: owned, change: TaskChange{OwnerID: ptr("")}, names: map[string]string{"u2": "Bob", "": ""},
			events: "owner:Bob> status:accepted>requested"},
		{name: "no owner and no queue", task: func() *Task { t := owned(); t.Queue = ""; return t }, change: TaskChange{OwnerID: ptr("")},
			err: "needs an owner"},
		{name: "an attempt starts the work", task: owned, change: TaskChange{Attempt: " left voicemail ", Note: "twice"},
			events: "attempt:1>left voicemail status:accepted>in-progress",
			after:  func(t *Task) string { return fmt.Sprintf("%d %s", t.Attempts, t.Outcome) }, want: "1 left voicemail"},
		{name: "completing says done", task: owned, change: TaskChange{Status: status(TaskCompleted)}, events: "status:accepted>completed",
			after: func(t *Task) string { return fmt.Sprintf("%s %v", t.Outcome, t.CompletedAt.Equal(now)) }, want: "done true"},
		{name: "cancelling needs why", task: owned, change: TaskChange{Status: status(TaskCancelled)}, err: "Say why the task is cancelled"},
		{name: "accepting needs an owner", task: queued, change: TaskChange{Status: status(TaskAccepted)}, err: "claim it first"},
		{name: "an unknown status", task: owned, change: TaskChange{Status: status("paused")}, err: "Unknown status"},
		{name: "an unknown priority", task: owned, change: TaskChange{Priority: (*TaskPriority)(ptr("whenever"))}, err: "Priority must be"},
		{name: "a snooze needs a reason", task: owned, change: TaskChange{NotBefore: at(now.Add(48 * time.Hour))}, err: "a snooze needs a reason"},
		{name: "a snooze with one", task: owned, change: TaskChange{NotBefore: at(now.Add(48 * time.Hour)), Note: "away"},
			events: "snooze:>2026-03-12T15:00:00Z"},
		{name: "no due time", task: owned, change: TaskChange{Due: at(time.Time{})}, err: "needs a due time"},
		{name: "the same values change nothing", task: owned, change: TaskChange{Priority: (*TaskPriority)(ptr("routine")), Status: status(TaskAccepted)},
			events: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			task := tt.task()
			events, err := task.Apply(tt.change, cm, now, tt.names)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) || ErrorCode(err) != EINVALID {
					t.Fatalf("err = %v, want EINVALID saying %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, e := range events {
				got = append(got, e.Action+":"+e.From+">"+e.To)
			}
			if strings.Join(got, " ") != tt.events {
				t.Errorf("events = %q, want %q", strings.Join(got, " "), tt.events)
			}
			if tt.after != nil && tt.after(task) != tt.want {
				t.Errorf("after: %q, want %q", tt.after(task), tt.want)
			}
		})
	}
}
