package cluster

// Base returns the client's base URL (for tests that need a second client).
func (c *Telco) Base() string { return c.base }
