import { describe } from 'vitest';
import { fuzzSuite } from '../support/fuzz-suite.ts';

describe('simulation testing: raft', () => fuzzSuite('raft', 10, true));
