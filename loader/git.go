package loader

import (
	"context"
	"fmt"
)

func (l *Loader) openGit(ctx context.Context, in Input) (*Tree, error) {
	return nil, fmt.Errorf("input %s: git inputs are not wired yet", in)
}
