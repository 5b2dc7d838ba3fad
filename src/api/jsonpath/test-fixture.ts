/**
 * The object the template tests render (JSONPath here, go-template in the kubectl printers): every
 * case's expected output was recorded from kubectl 1.32 printing this object.
 */
export const fx = {
  apiVersion: 'example.com/v1',
  kind: 'Thing',
  metadata: { name: 'fx', namespace: 'default' },
  spec: {
    replicas: 3,
    ratio: 0.5,
    big: 1e21,
    tiny: 1e-7,
    mid: 1234567.5,
    enabled: true,
    nothing: null,
    names: ['a', 'b', 'c', 'd'],
    empty: [],
    emptymap: {},
    labels: { app: 'web', 'a.b/c': 'dot', tier: '<front>&' },
    conditions: [
      { type: 'Ready', status: 'True', n: 1 },
      { type: 'Synced', status: 'False', n: 2 },
      { type: 'Old', n: 3 },
    ],
    nested: [[1, 2], [{ a: 1 }, { a: 2, b: 'x' }]],
    text: 'multi\nline',
  },
};
