package instrument

import (
	"cmp"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"

	"carepath"
)

// questionnaire is the part of a FHIR R4 Questionnaire an instrument
// definition reads.
type questionnaire struct {
	ResourceType string              `json:"resourceType"`
	URL          string              `json:"url"`
	Version      string              `json:"version"`
	Name         string              `json:"name"`
	Title        string              `json:"title"`
	Code         []qCoding           `json:"code"`
	Item         []questionnaireItem `json:"item"`
}

type qCoding struct {
	System  string `json:"system"`
	Code    string `json:"code"`
	Display string `json:"display"`
}

type questionnaireItem struct {
	LinkID       string    `json:"linkId"`
	Code         []qCoding `json:"code"`
	Text         string    `json:"text"`
	Type         string    `json:"type"`
	Required     bool      `json:"required"`
	Repeats      bool      `json:"repeats"`
	AnswerOption []struct {
		ValueCoding  *qCoding `json:"valueCoding"`
		ValueString  *string  `json:"valueString"`
		ValueInteger *int64   `json:"valueInteger"`
	} `json:"answerOption"`
	AnswerValueSet string              `json:"answerValueSet"`
	Item           []questionnaireItem `json:"item"`
}

// placeholder codes some published Questionnaires put where an item has
// none: the item is known by its linkId instead.
var placeholderCodes = []string{"", "no-code", "???"}

// FromQuestionnaire reads a FHIR R4 Questionnaire (JSON) as an instrument
// definition: its panel code, and its questions in order, groups flattened
// (a group's text becomes its items' Section), each known by its first
// code (or its linkId when it has none), with its type and its answer
// options. A boolean question becomes a choice of "true" and "false".
// It reads no scoring, which a Questionnaire does not carry: the result
// is for Compare, not for taking. An item type Carepath cannot take, or
// answers only in a value set, is an EINVALID error naming the item.
func FromQuestionnaire(b []byte) (*Instrument, error) {
	var q questionnaire
	if err := json.Unmarshal(b, &q); err != nil {
		return nil, carepath.Errorf(carepath.EINVALID, "This is not a FHIR Questionnaire in JSON: %v.", err)
	}
	if q.ResourceType != "Questionnaire" {
		return nil, carepath.Errorf(carepath.EINVALID, "This is a %q, not a Questionnaire.", q.ResourceType)
	}
	in := &Instrument{ID: q.URL, Name: cmp.Or(q.Title, q.Name), Version: q.Version, Source: q.URL}
	if len(q.Code) > 0 {
		in.Code, in.CodeSystem = q.Code[0].Code, q.Code[0].System
	}
	var problems []string
	var walk func(items []questionnaireItem, section string, depth int)
	walk = func(items []questionnaireItem, section string, depth int) {
		if depth > 10 {
			problems = append(problems, "groups are nested more than 10 deep")
			return
		}
		for _, qi := range items {
			switch qi.Type {
			case "group":
				walk(qi.Item, cmp.Or(qi.Text, section), depth+1)
				continue
			case "display":
				continue
			}
			it := Item{ID: qi.LinkID, Text: qi.Text, Section: section, Multiple: qi.Repeats, Optional: !qi.Required}
			if len(qi.Code) > 0 && !slices.Contains(placeholderCodes, qi.Code[0].Code) {
				it.ID = qi.Code[0].Code
			}
			if it.ID == "" {
				problems = append(problems, fmt.Sprintf("an item (%q) has neither a code nor a linkId", clip(qi.Text)))
				continue
			}
			switch qi.Type {
			case "choice", "open-choice":
				if qi.AnswerValueSet != "" && len(qi.AnswerOption) == 0 {
					problems = append(problems, "item "+it.ID+"'s answers are in the value set "+qi.AnswerValueSet+", which Carepath does not fetch")
					continue
				}
				for _, o := range qi.AnswerOption {
					switch {
					case o.ValueCoding != nil:
						it.Options = append(it.Options, Option{Code: o.ValueCoding.Code, Display: o.ValueCoding.Display})
					case o.ValueString != nil:
						it.Options = append(it.Options, Option{Code: *o.ValueString, Display: *o.ValueString})
					case o.ValueInteger != nil:
						n := fmt.Sprint(*o.ValueInteger)
						it.Options = append(it.Options, Option{Code: n, Display: n})
					default:
						problems = append(problems, "item "+it.ID+" has an answer option of a type Carepath does not read")
					}
				}
			case "boolean":
				it.Options = []Option{{Code: "true", Display: "Yes"}, {Code: "false", Display: "No"}}
			case "integer":
				it.Type, it.Min, it.Max = Integer, math.MinInt64, math.MaxInt64
			case "decimal":
				it.Type, it.Min, it.Max = Decimal, -math.MaxFloat64, math.MaxFloat64
			case "string", "text":
				it.Type = Text
			default:
				problems = append(problems, fmt.Sprintf("item %s is of type %q, which Carepath does not take", it.ID, qi.Type))
				continue
			}
			in.Items = append(in.Items, it)
		}
	}
	walk(q.Item, "", 0)
	if len(problems) > 0 {
		return nil, carepath.Errorf(carepath.EINVALID, "The Questionnaire %s cannot be read: %s.", cmp.Or(in.Name, q.URL), strings.Join(problems, "; "))
	}
	return in, nil
}

// Differences are how an instrument's definition departs from a standard
// one (a published Questionnaire read by FromQuestionnaire).
type Differences struct {
	Missing []string // the standard's items this definition lacks
	Extra   []string // items this definition has that the standard lacks
	Changed []string // items both have, with other answers or type
}

// None reports whether the definitions match item for item.
func (d Differences) None() bool { return len(d.Missing)+len(d.Extra)+len(d.Changed) == 0 }

// Compare says how in departs from std, item by item by code: the panel
// code; each item's type (a whole number where the standard takes any
// number is narrower, not different); whether it takes several answers;
// its answer codes, in order. Texts are not compared (Carepath may word
// an item for reading aloud), nor whether an item is required (a policy).
func (in *Instrument) Compare(std *Instrument) Differences {
	var d Differences
	if std.Code != "" && std.Code != in.Code {
		d.Changed = append(d.Changed, fmt.Sprintf("panel code %s, the standard's %s", in.Code, std.Code))
	}
	for _, s := range std.Items {
		ours := in.item(s.ID)
		if ours == nil {
			d.Missing = append(d.Missing, s.ID+" ("+clip(s.Text)+")")
			continue
		}
		if ours.Type != s.Type && !(ours.Type == Integer && s.Type == Decimal) {
			d.Changed = append(d.Changed, fmt.Sprintf("item %s: type %s, the standard's %s", s.ID, typeName(ours.Type), typeName(s.Type)))
		}
		if ours.Multiple != s.Multiple {
			d.Changed = append(d.Changed, fmt.Sprintf("item %s: several answers %v, the standard's %v", s.ID, ours.Multiple, s.Multiple))
		}
		if mine, theirs := optionCodes(ours), optionCodes(&s); mine != theirs {
			d.Changed = append(d.Changed, fmt.Sprintf("item %s: answers [%s], the standard's [%s]", s.ID, mine, theirs))
		}
	}
	for _, it := range in.Items {
		if std.item(it.ID) == nil {
			d.Extra = append(d.Extra, it.ID+" ("+clip(it.Text)+")")
		}
	}
	return d
}

func optionCodes(it *Item) string {
	codes := make([]string, len(it.Options))
	for i, o := range it.Options {
		codes[i] = o.Code
	}
	return strings.Join(codes, " ")
}

func typeName(t string) string {
	if t == Choice {
		return "choice"
	}
	return t
}
