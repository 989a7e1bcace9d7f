import { describe } from 'vitest';
import { fuzzSuite } from '../support/fuzz-suite.ts';

describe('simulation testing: bft', () => fuzzSuite('bft', 10, false));
