package results

import (
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"strconv"
)

// FlowEventsFile is a simulation's record of the sessions its flow events (a gift-day rush)
// added, by replica, day, hour and event: simulated (scaled-down) counts.
const FlowEventsFile = "flow-events.csv"

// FlowEventHour counts the sessions a flow event added in one hour of one simulated day.
type FlowEventHour struct {
	Replica int
	Date    string // YYYY-MM-DD
	Day     int
	Event   string
	// Flow is the intra-day flow (scenarios/intraday): login or activation.
	Flow     string
	Hour     int // 0 … 23, local time
	Sessions int
}

var flowEventsHeader = []string{"replica", "date", "day", "event", "flow", "hour", "sessions"}

// WriteFlowEventHours writes rows as FlowEventsFile's CSV.
func WriteFlowEventHours(w io.Writer, rows []FlowEventHour) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(flowEventsHeader); err != nil {
		return err
	}
	for _, r := range rows {
		if err := cw.Write([]string{strconv.Itoa(r.Replica), r.Date, strconv.Itoa(r.Day), r.Event, r.Flow,
			strconv.Itoa(r.Hour), strconv.Itoa(r.Sessions)}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// ReadFlowEventHours reads a FlowEventsFile; errors name the file and line.
func ReadFlowEventHours(path string) ([]FlowEventHour, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	cr := csv.NewReader(f)
	cr.FieldsPerRecord = len(flowEventsHeader)
	recs, err := cr.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(recs) == 0 || recs[0][0] != "replica" {
		return nil, fmt.Errorf("%s:1: no header %v", path, flowEventsHeader)
	}
	var out []FlowEventHour
	for i, r := range recs[1:] {
		var row FlowEventHour
		var errs [4]error
		row.Replica, errs[0] = strconv.Atoi(r[0])
		row.Date, row.Event, row.Flow = r[1], r[3], r[4]
		row.Day, errs[1] = strconv.Atoi(r[2])
		row.Hour, errs[2] = strconv.Atoi(r[5])
		row.Sessions, errs[3] = strconv.Atoi(r[6])
		for _, e := range errs {
			if e != nil {
				return nil, fmt.Errorf("%s:%d: %w", path, i+2, e)
			}
		}
		if row.Hour < 0 || row.Hour > 23 {
			return nil, fmt.Errorf("%s:%d: hour %d out of 0…23", path, i+2, row.Hour)
		}
		out = append(out, row)
	}
	return out, nil
}
