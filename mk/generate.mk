# Generated files (clab/, kind/, schemas/lab.schema.json) come from labs/*.yaml and src/render.
# test/render/generated.test.ts fails when a committed copy drifts from what this renders.
.PHONY: generate
generate:
	node scripts/generate.ts
