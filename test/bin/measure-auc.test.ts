import { main } from '../../bin/measure-auc';
import { output } from '../support/output';

describe('npm run measure:auc', () => {
  it('prints the churn rate and both AUCs, and nothing on stderr when it is not a TTY', () => {
    const stdout = output();
    const stderr = output();

    expect(main(['--count', '400', '--seed', '3'], { stdout, stderr })).toBe(0);
    expect(stdout.text.split('\n')).toEqual([
      expect.stringMatching(/^seed +3$/),
      expect.stringMatching(/^customers +400 \(300 to train, 100 held out\)$/),
      expect.stringMatching(/^churn rate +\d+\.\d%$/),
      expect.stringMatching(/^AUC of the true churn probability \(ceiling\) +0\.\d{3} \(held out: 0\.\d{3}\)$/),
      expect.stringMatching(/^AUC of a logistic regression \(held out\) +0\.\d{3}$/),
      '',
    ]);
    expect(stderr.text).toBe('');
  });

  it('says what it is doing on a TTY, and clears the line before the results', () => {
    const stderr = Object.assign(output(), { isTTY: true });

    main(['--count', '400'], { stdout: output(), stderr });
    expect(stderr.text).toBe('\rgenerating 400 customers and training a logistic regression on 300...\x1b[K\r\x1b[K');
  });
});
